package io.certdesk.server.http;

import io.certdesk.server.ServiceException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web console: a page and its script and style, read once from the classpath and served as
 * they are (no build step), with a Content-Security-Policy that allows only their own origin.
 */
final class ConsoleRoutes {
    private static final String CSP =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                    + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final Map<String, String> TYPES = Map.of(
            "index.html",
            "text/html; charset=utf-8",
            "app.js",
            "text/javascript; charset=utf-8",
            "style.css",
            "text/css; charset=utf-8");
    private final Map<String, byte[]> files;

    ConsoleRoutes() {
        this.files = Map.of("index.html", read("index.html"), "app.js", read("app.js"), "style.css", read("style.css"));
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(RouteTable routes) {
        routes.get("/", RouteAccess.PUBLIC, ctx -> serve(ctx, "index.html"));
        routes.get("/console/{file}", RouteAccess.PUBLIC, ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private void serve(Context ctx, String name) {
        byte[] body = files.get(name);
        if (body == null) {
            throw ServiceException.notFound("Console file " + (name.length() > 40 ? name.substring(0, 40) : name));
        }
        ctx.header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .contentType(TYPES.get(name))
                .result(body);
    }
}
