package eu.confine.oob.registry.internal;

import java.util.List;

import eu.confine.oob.api.SliceId;

/**
 * A sliver as the registry wants it on this node.
 *
 * @param sliceId   the slice
 * @param container its container name
 * @param keys      the admins' SSH public key lines that the key policy accepts, in registry order, no duplicates
 */
record DesiredSliver(SliceId sliceId, String container, List<String> keys) {

    DesiredSliver {
        keys = List.copyOf(keys);
    }
}
