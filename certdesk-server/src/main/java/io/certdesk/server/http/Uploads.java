package io.certdesk.server.http;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/** Reading uploaded files from multipart/form-data requests, bounded in size. */
final class Uploads {
    /** Room for the multipart framing around a file of the largest accepted size. */
    static final long FRAMING = 64 * 1024;

    private Uploads() {}

    /**
     * The bytes of the file in {@code field}, read up to {@code maxBytes + 1} bytes so the caller
     * can tell "exactly the limit" from "over it" without holding more.
     */
    static byte[] file(Context ctx, String field, int maxBytes) {
        if (!ctx.isMultipartFormData()) {
            throw new ServiceException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the file as multipart/form-data in the field '" + field + "'.",
                    Map.of("field", field));
        }
        UploadedFile upload;
        try {
            upload = ctx.uploadedFile(field);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("size")) {
                throw new ServiceException(
                        ErrorCode.TOO_LARGE, "The file is larger than " + maxBytes / 1024 + " KiB, the most accepted.");
            }
            throw new ServiceException(ErrorCode.MALFORMED_REQUEST, "The multipart request body cannot be read.");
        }
        if (upload == null) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED,
                    "No file was sent: put it in the form field '" + field + "'.",
                    Map.of("field", field));
        }
        try (InputStream in = upload.content()) {
            return in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.MALFORMED_REQUEST, "The uploaded file cannot be read.");
        }
    }

    /** A plain form field of a multipart request, or null. */
    static String field(Context ctx, String name) {
        return ctx.formParam(name);
    }
}
