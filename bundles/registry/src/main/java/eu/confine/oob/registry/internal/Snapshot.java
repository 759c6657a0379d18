package eu.confine.oob.registry.internal;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * The last good registry state of this node, as persisted.
 *
 * @param registry  the node resource it was read from
 * @param fetchedAt when the sync that read it started
 * @param slivers   the slivers the registry wanted, with their keys
 */
record Snapshot(URI registry, Instant fetchedAt, List<DesiredSliver> slivers) {

    Snapshot {
        slivers = List.copyOf(slivers);
    }
}
