package eu.confine.oob.registry.internal;

import java.net.URI;

import com.fasterxml.jackson.databind.JsonNode;

/** Registry resources by URI, each a JSON object. */
interface Resources {

    /**
     * The resource's current JSON object.
     *
     * @throws RegistryException if it cannot be read or is not a JSON object
     */
    JsonNode get(URI uri) throws RegistryException, InterruptedException;
}
