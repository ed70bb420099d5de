package io.warmpool.server.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Jetty's own errors (a request line or URI it cannot parse, before any route runs) in the same JSON envelope as
 * every other error, instead of Jetty's HTML page. Jetty closes the connection after such an error, so the answer says
 * {@code Connection: close}: a client that pools connections must not send its next request down a closed one.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CONNECTION, "close");
        return ByteBuffer.wrap(envelope(status, reason));
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(envelope(code, message)), callback);
    }

    private static byte[] envelope(int status, String reason) {
        String code = status == 413 ? "body_too_large" : status == 431 ? "headers_too_large"
                : status >= 500 ? "internal_error" : "bad_request";
        String message = "the request could not be read" + (reason == null || reason.isBlank() ? "" : ": " + reason);
        return Json.write(Map.of("success", false, "errors", List.of(Map.of("code", code, "message", message))));
    }
}
