package eu.confine.oob.registry.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** Strict reading of registry JSON: a missing field or a field of the wrong type is a {@link RegistryException} naming the resource. */
final class Json {

    private Json() {
    }

    /** A field that must be present (not null). */
    static JsonNode field(JsonNode object, String name, URI where) throws RegistryException {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            throw new RegistryException(where + ": field '" + name + "' is missing");
        }
        return value;
    }

    static String text(JsonNode object, String name, URI where) throws RegistryException {
        JsonNode value = field(object, name, where);
        if (!value.isTextual()) {
            throw new RegistryException(where + ": field '" + name + "' must be a string");
        }
        return value.textValue();
    }

    /** A string field that may be missing or null. */
    static Optional<String> optionalText(JsonNode object, String name, URI where) throws RegistryException {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new RegistryException(where + ": field '" + name + "' must be a string");
        }
        return Optional.of(value.textValue());
    }

    static boolean bool(JsonNode object, String name, URI where) throws RegistryException {
        JsonNode value = field(object, name, where);
        if (!value.isBoolean()) {
            throw new RegistryException(where + ": field '" + name + "' must be true or false");
        }
        return value.booleanValue();
    }

    static JsonNode array(JsonNode object, String name, URI where) throws RegistryException {
        JsonNode value = field(object, name, where);
        if (!value.isArray()) {
            throw new RegistryException(where + ": field '" + name + "' must be an array");
        }
        return value;
    }

    /**
     * A reference {@code {"uri": "..."}} to another resource of the same registry, resolved against
     * {@code base}; a reference outside the registry (other scheme, host, port or path) is refused.
     */
    static URI reference(JsonNode reference, URI base, URI where, String what) throws RegistryException {
        if (reference == null || !reference.isObject()) {
            throw new RegistryException(where + ": " + what + " must be an object with a 'uri'");
        }
        String raw = text(reference, "uri", where);
        URI uri;
        try {
            uri = base.resolve(new URI(raw)).normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new RegistryException(where + ": " + what + " uri is not a URI: " + e.getMessage());
        }
        boolean inside = base.getScheme().equals(uri.getScheme()) && base.getRawAuthority().equals(uri.getRawAuthority())
                && uri.getRawPath() != null && uri.getRawPath().startsWith(base.getRawPath()) && uri.getRawFragment() == null;
        if (!inside) {
            throw new RegistryException(where + ": " + what + " uri " + uri + " is outside the registry " + base);
        }
        return uri;
    }
}
