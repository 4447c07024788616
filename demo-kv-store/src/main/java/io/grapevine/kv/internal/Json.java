package io.grapevine.kv.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one JSON mapper of the module, and the shape of error bodies: {@code {"error": "...", ...}}. */
public final class Json {
    /** Shared, thread-safe mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    /**
     * @param value any Jackson-serialisable value
     * @return its JSON in UTF-8
     */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"cannot serialise response: " + e.getOriginalMessage().replace('"', '\'') + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * @param message what went wrong, for people
     * @param extra   more fields, in order (may be empty)
     * @return an error body
     */
    public static Map<String, Object> error(String message, Map<String, ?> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.putAll(extra);
        return body;
    }
}
