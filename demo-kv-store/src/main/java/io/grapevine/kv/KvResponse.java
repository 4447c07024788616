package io.grapevine.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A node's answer to a {@link KvClient} request.
 *
 * @param status  the HTTP status
 * @param body    the body (a value, JSON, or empty)
 * @param headers the response headers, names in lower case
 */
public record KvResponse(int status, byte[] body, Map<String, String> headers) {

    /** @return whether the status is 2xx */
    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** @return the body as UTF-8 text */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * @return the body parsed as JSON
     * @throws UncheckedIOException when it is not JSON
     */
    public JsonNode json() {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON (HTTP " + status + "): " + text(), e);
        }
    }

    /**
     * @param name a header name, any case
     * @return its value, or null
     */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** @return the {@code error} field of a JSON error body, or the text when there is none */
    public String error() {
        try {
            JsonNode error = Json.MAPPER.readTree(body).get("error");
            return error == null ? text() : error.asText();
        } catch (IOException e) {
            return text();
        }
    }
}
