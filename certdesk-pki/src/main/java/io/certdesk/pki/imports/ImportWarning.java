package io.certdesk.pki.imports;

/** A warning about one certificate (by SHA-256), with a sentence for a person. */
public record ImportWarning(String sha256, WarningCode code, String message) {}
