package eu.confine.oob.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the host itself cannot tell about a sliver: its container, an explicit tmp source, the
 * admin keys last asked for, and how far its lifecycle has gone. One record per deployed sliver.
 *
 * @param sliceId   the slice
 * @param container LXC container name
 * @param tmp       explicit host path of the sliver's tmp, or empty for the container's rootfs {@code /tmp}
 * @param adminKeys the admin key lines as last requested (before policy filtering)
 * @param phase     how far the sliver's lifecycle has gone
 */
public record SliverRecord(SliceId sliceId, String container, Optional<Path> tmp, List<String> adminKeys, Phase phase) {

    /** Lifecycle phase of a sliver on this node. */
    public enum Phase {
        /** DEPLOYED received; account, keys or mount may still be missing. */
        DEPLOYING,
        /** Account, keys and mount were in place when last checked. */
        READY,
        /** REMOVED received; everything must go, in order. */
        REMOVING
    }

    public SliverRecord {
        adminKeys = List.copyOf(adminKeys);
    }

    /** The same record in another phase. */
    public SliverRecord withPhase(Phase newPhase) {
        return new SliverRecord(sliceId, container, tmp, adminKeys, newPhase);
    }

    /** The same record with other admin keys. */
    public SliverRecord withAdminKeys(List<String> newKeys) {
        return new SliverRecord(sliceId, container, tmp, newKeys, phase);
    }
}
