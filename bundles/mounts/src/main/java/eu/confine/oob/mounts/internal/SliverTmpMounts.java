package eu.confine.oob.mounts.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverAspect;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.host.MountTable;
import eu.confine.oob.api.host.MountTable.Mount;

/** The sliver's /tmp as seen at {@code ~SLICE/tmp}: mounting it, checking it, taking it away. */
final class SliverTmpMounts {

    private static final Logger LOG = LoggerFactory.getLogger(SliverTmpMounts.class);
    private static final String[] RESTRICTIONS = {"nosuid", "nodev", "noexec", "nosymfollow"};

    private final LinuxMounts kernel;
    private final Containers containers;
    private final Path homeBase;

    SliverTmpMounts(LinuxMounts kernel, Containers containers, Path homeBase) {
        this.kernel = kernel;
        this.containers = containers;
        this.homeBase = homeBase;
    }

    Path home(SliceId sliceId) {
        return homeBase.resolve(sliceId.userName());
    }

    Path mountPoint(SliceId sliceId) {
        return home(sliceId).resolve("tmp");
    }

    /**
     * Makes {@code ~SLICE/tmp} show the sliver's tmp, bound from a no-follow handle and restricted.
     *
     * @return whether a mount was made now (false: it was already right)
     */
    boolean ensure(SliverRecord record) throws IOException {
        SliceId sliceId = record.sliceId();
        Path target = mountPoint(sliceId);
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("slice " + sliceId + ": " + target + " is missing: the account is not ready");
        }
        try (LinuxMounts.DirectoryHandle source = openSource(record)) {
            FileIdentity wanted = source.identity();
            Optional<Mount> current = MountTable.read().at(target);
            if (current.isPresent()) {
                if (isRight(current.get(), target, wanted)) {
                    return false;
                }
                LOG.warn("Slice {}: {} is mounted but not as it should be ({} {}); mounting it again",
                        sliceId, target, current.get().root(), current.get().options());
                unmountBelow(home(sliceId), sliceId);
            }
            kernel.bindRestricted(source, target);
            Optional<Mount> made = MountTable.read().at(target);
            if (made.isEmpty() || !isRight(made.get(), target, wanted)) {
                unmountBelow(home(sliceId), sliceId);
                throw new IOException("slice " + sliceId + ": the mount on " + target + " did not come out restricted and private");
            }
            LOG.info("Slice {}: mounted the sliver's tmp ({}) on {}", sliceId, made.get().root(), target);
            return true;
        }
    }

    /** Unmounts everything at or below the sliver's home, then checks that nothing is left. */
    void unmount(SliceId sliceId) throws IOException {
        unmountBelow(home(sliceId), sliceId);
    }

    SliverAspect.State inspect(SliceId sliceId) {
        Path target = mountPoint(sliceId);
        Optional<Mount> mount = MountTable.read().at(target);
        if (mount.isEmpty()) {
            return new SliverAspect.State(false, "no", "nothing mounted on " + target);
        }
        Mount m = mount.get();
        boolean restricted = m.has(RESTRICTIONS) && m.isPrivate();
        String detail = m.root() + " on " + target + " (" + String.join(",", m.options()) + (m.isPrivate() ? ", private)" : ", NOT private)");
        return new SliverAspect.State(restricted, restricted ? "yes" : "unrestricted", detail);
    }

    private LinuxMounts.DirectoryHandle openSource(SliverRecord record) throws IOException {
        if (record.tmp().isPresent()) {
            Path tmp = record.tmp().get();
            return kernel.openNoFollow(tmp.getRoot(), tmp.getRoot().relativize(tmp));
        }
        Path rootfs;
        try {
            rootfs = containers.rootfs(record.container()).toRealPath();
        } catch (IllegalStateException e) {
            throw new IOException("slice " + record.sliceId() + ": " + e.getMessage(), e);
        }
        return kernel.openNoFollow(rootfs, Path.of("tmp"));
    }

    private static boolean isRight(Mount mount, Path target, FileIdentity wanted) throws IOException {
        return mount.has(RESTRICTIONS) && mount.isPrivate() && FileIdentity.of(target).equals(wanted);
    }

    private void unmountBelow(Path home, SliceId sliceId) throws IOException {
        for (Mount mount : MountTable.read().atOrBelow(home)) {
            if (kernel.unmount(mount.mountPoint())) {
                LOG.info("Slice {}: unmounted {}", sliceId, mount.mountPoint());
            }
        }
        List<Mount> left = MountTable.read().atOrBelow(home);
        if (!left.isEmpty()) {
            throw new IOException("slice " + sliceId + ": still mounted below " + home + ": " + left.get(0).mountPoint());
        }
    }
}
