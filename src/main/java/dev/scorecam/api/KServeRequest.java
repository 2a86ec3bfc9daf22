package dev.scorecam.api;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.scorecam.problem.ProblemException;
import dev.scorecam.problem.ProblemType;

/**
 * A KServe V1 protocol body, {@code {"instances": [...], "parameters": {...}}}, read into images
 * and the fields of an {@link ExplanationForm}. An instance is an image in base64, in any of the
 * shapes KServe's documented examples send: {@code {"data": "<b64>"}} (its TorchServe samples,
 * which may add {@code "target"}), {@code {"image_bytes": {"b64": "<b64>"}}} (its TensorFlow
 * samples, which may add {@code "key"}), {@code {"b64": "<b64>"}} or the bare string.
 *
 * @param parameters the body's {@code parameters}, by field name; empty when it has none
 */
record KServeRequest(List<Instance> instances, Map<String, JsonNode> parameters) {

    /**
     * @param targets the classes this instance names ({@code "target"}: an index, a label or a list of
     *     them); null when it names none
     * @param key the instance's {@code "key"}, given back with its explanation; null when it has none
     */
    record Instance(byte[] image, List<String> targets, String key) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** @throws InvalidBodyException for a body that is not such JSON, or an image that is not base64 */
    static KServeRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidBodyException(ProblemType.INVALID_REQUEST, "the body is not valid JSON");
        }
        if (root == null || !root.isObject() || !root.path("instances").isArray() || root.get("instances").isEmpty()) {
            throw new InvalidBodyException(ProblemType.INVALID_REQUEST,
                    "the body must be a JSON object with a non-empty 'instances' array (KServe's V1 protocol)");
        }
        JsonNode given = root.path("parameters");
        if (!given.isMissingNode() && !given.isNull() && !given.isObject()) {
            throw new InvalidBodyException(ProblemType.INVALID_REQUEST, "'parameters' must be a JSON object");
        }
        Map<String, JsonNode> parameters = new LinkedHashMap<>();
        given.properties().forEach(e -> parameters.put(e.getKey(), e.getValue()));
        List<Instance> instances = new ArrayList<>();
        JsonNode all = root.get("instances");
        for (int i = 0; i < all.size(); i++) {
            instances.add(instance(all.get(i), i));
        }
        return new KServeRequest(List.copyOf(instances), parameters);
    }

    /**
     * The values of a form field from {@code parameters}, as request parameters would give them
     * (a list gives several); null when the body does not name it.
     */
    String[] values(String name) {
        JsonNode value = parameters.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        return strings(value, "parameter '" + name + "'").toArray(String[]::new);
    }

    private static Instance instance(JsonNode instance, int index) {
        String at = "instance " + index;
        String base64 = null;
        if (instance.isString()) {
            base64 = instance.asString();
        } else if (instance.isObject()) {
            base64 = base64(instance, at);
        }
        if (base64 == null) {
            throw new InvalidBodyException(ProblemType.INVALID_REQUEST, at + " holds no image: send "
                    + "{\"data\": \"<base64>\"}, {\"image_bytes\": {\"b64\": \"<base64>\"}}, {\"b64\": \"<base64>\"} "
                    + "or the base64 string itself");
        }
        JsonNode target = instance.path("target");
        List<String> targets = target.isMissingNode() || target.isNull() ? null : strings(target, at + "'s 'target'");
        JsonNode key = instance.path("key");
        return new Instance(decode(base64, at), targets, key.isValueNode() && !key.isNull() ? key.asString() : null);
    }

    /** The base64 text of an instance object, from whichever documented field holds it. */
    private static String base64(JsonNode instance, String at) {
        for (JsonNode field : List.of(instance.path("data"), instance.path("image_bytes").path("b64"),
                instance.path("b64"))) {
            if (field.isMissingNode() || field.isNull()) {
                continue;
            }
            if (!field.isString()) {
                throw new InvalidBodyException(ProblemType.INVALID_REQUEST, at + "'s image must be a base64 string");
            }
            return field.asString();
        }
        return null;
    }

    private static byte[] decode(String base64, String at) {
        String text = base64.strip();
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException standard) {
            try {
                return Base64.getUrlDecoder().decode(text); // the web-safe alphabet, as TensorFlow's tools write it
            } catch (IllegalArgumentException e) {
                throw new InvalidBodyException(ProblemType.INVALID_IMAGE, at + "'s image is not valid base64");
            }
        }
    }

    /** A scalar or an array of scalars as strings. */
    private static List<String> strings(JsonNode value, String what) {
        List<JsonNode> items = value.isArray() ? value.valueStream().toList() : List.of(value);
        for (JsonNode item : items) {
            if (!item.isValueNode() || item.isNull()) {
                throw new InvalidBodyException(ProblemType.INVALID_PARAMETER,
                        what + " must be a number, a string, a boolean or a list of them");
            }
        }
        return items.stream().map(JsonNode::asString).toList();
    }

    /** A body that cannot be read as a KServe V1 request. */
    static final class InvalidBodyException extends ProblemException {

        InvalidBodyException(ProblemType type, String detail) {
            super(type, detail);
        }
    }
}
