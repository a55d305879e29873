package io.certdesk.server.http;

/** One HTTP route the server answers: method (upper case) and path template ({@code {id}} style). */
public record Route(String method, String path) {
}
