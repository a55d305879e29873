package io.certdesk.server.outbound;

import java.io.IOException;
import java.io.InputStream;

/** Lines of a text protocol (SMTP replies, HTTP headers) read a byte at a time, so nothing after them is taken from the stream. */
final class AsciiLines {
    private AsciiLines() {}

    /**
     * The next line without its CRLF (or LF); null at the end of the stream.
     *
     * @throws IOException when the line reaches {@code maxChars} characters
     */
    static String read(InputStream in, int maxChars) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.length() >= maxChars) {
                throw new IOException("line too long");
            }
            line.append((char) c);
        }
        if (c < 0 && line.length() == 0) {
            return null;
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }
}
