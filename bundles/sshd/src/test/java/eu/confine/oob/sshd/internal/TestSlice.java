package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.host.HostCommand;

/**
 * A slice as the provisioning bundles leave it: host group and user, home root:USER 0750 with {@code .ssh} the same
 * and {@code authorized_keys} root:USER 0640, a sliver record READY, and (if asked) a busybox container without
 * network, running or stopped. Everything is removed again by {@link #destroy()}.
 */
final class TestSlice {

    /** What the sliver's container is like. */
    enum Sliver { RUNNING, STOPPED, NONE }

    final SliceId id;
    final String user;
    final Path home;
    final String container;
    private final Path keyDirectory;
    private boolean userCreated;
    private boolean containerCreated;
    private boolean tmpMounted;

    private TestSlice(SliceId id, Path homeBase, Path keyDirectory) {
        this.id = id;
        this.user = id.userName();
        this.home = homeBase.resolve(user);
        this.container = user;
        this.keyDirectory = keyDirectory;
    }

    /**
     * Makes a slice.
     *
     * @param allDigits whether its id is all digits, as CONFINE's may be (its user name is then "slice" + the id)
     */
    static TestSlice create(Path homeBase, Path keyDirectory, SliverRecords records, Sliver sliver, boolean allDigits)
            throws IOException {
        String random = UUID.randomUUID().toString().replace("-", "");
        SliceId id = SliceId.of(allDigits ? "9" + Long.toString(Long.parseUnsignedLong(random.substring(0, 10), 16) % 100_000_000_000L)
                : "oobssh" + random.substring(0, 6));
        TestSlice slice = new TestSlice(id, homeBase, keyDirectory);
        try {
            slice.createAccount();
            if (sliver != Sliver.NONE) {
                slice.createContainer(sliver == Sliver.RUNNING);
            }
            records.save(new SliverRecord(slice.id, slice.container, Optional.empty(), List.of(), SliverRecord.Phase.READY));
        } catch (IOException | RuntimeException e) {
            slice.destroy();
            throw e;
        }
        return slice;
    }

    /** A fresh ed25519 key pair made by ssh-keygen; returns the private key file (the public one ends in .pub). */
    Path newKey(String name) throws IOException {
        Path key = keyDirectory.resolve(user + "-" + name);
        HostCommand.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()).check();
        return key;
    }

    /** The public key line of a key made by {@link #newKey}. */
    static String publicLine(Path key) throws IOException {
        return Files.readString(Path.of(key + ".pub")).strip();
    }

    /** Writes authorized_keys as the keys bundle does: root:USER 0640, replaced atomically. */
    void authorize(String... lines) throws IOException {
        Path ssh = home.resolve(".ssh");
        Path temp = ssh.resolve(".authorized_keys.tmp");
        Files.write(temp, Stream.of(lines).map(line -> line + "\n").collect(Collectors.joining()).getBytes());
        own(temp, "rw-r-----");
        Files.move(temp, ssh.resolve("authorized_keys"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Bind-mounts the container's /tmp on {@code home/tmp} as the mounts bundle does: nosymfollow, nosuid, nodev, noexec. */
    void mountTmp() throws IOException {
        Path tmp = home.resolve("tmp");
        Files.createDirectory(tmp);
        own(tmp, "rwxr-x---");
        Path rootfsTmp = Path.of(HostCommand.of("lxc-config", "lxc.lxcpath").check().strip(), container, "rootfs", "tmp");
        HostCommand.of("mount", "--bind", rootfsTmp.toString(), tmp.toString()).check();
        tmpMounted = true;
        HostCommand.of("mount", "-o", "remount,bind,nosymfollow,nosuid,nodev,noexec", tmp.toString()).check();
        HostCommand.of("mount", "--make-private", tmp.toString()).check();
    }

    void startContainer() {
        HostCommand.of("lxc-start", "-n", container, "-d").check();
        HostCommand.of("lxc-wait", "-n", container, "-s", "RUNNING", "-t", "10").check();
    }

    void stopContainer() {
        HostCommand.of("lxc-stop", "-k", "-n", container).run();
    }

    void destroy() {
        if (tmpMounted) {
            HostCommand.of("umount", home.resolve("tmp").toString()).run();
        }
        if (containerCreated) {
            stopContainer();
            HostCommand.of("lxc-destroy", "-n", container).run();
        }
        if (userCreated) {
            HostCommand.of("userdel", user).run();
            HostCommand.of("groupdel", user).run();
        }
    }

    private void createAccount() throws IOException {
        HostCommand.of("groupadd", user).check();
        userCreated = true;
        HostCommand.of("useradd", "-M", "-N", "-g", user, "-d", home.toString(), "-s", "/usr/sbin/nologin", user).check();
        Files.createDirectory(home);
        own(home, "rwxr-x---");
        Files.createDirectory(home.resolve(".ssh"));
        own(home.resolve(".ssh"), "rwxr-x---");
    }

    private void own(Path path, String mode) throws IOException {
        UserPrincipalLookupService names = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(names.lookupPrincipalByName("root"));
        view.setGroup(names.lookupPrincipalByGroupName(user));
        view.setPermissions(PosixFilePermissions.fromString(mode));
    }

    private void createContainer(boolean start) throws IOException {
        HostCommand.of("lxc-create", "-n", container, "-t", "busybox").check();
        containerCreated = true;
        Path config = Path.of(HostCommand.of("lxc-config", "lxc.lxcpath").check().strip(), container, "config");
        List<String> lines;
        try (Stream<String> all = Files.lines(config)) {
            lines = all.filter(line -> !line.startsWith("lxc.net.0.") && !line.startsWith("lxc.apparmor.profile"))
                    .collect(Collectors.toCollection(ArrayList::new));
        }
        lines.add("lxc.net.0.type = empty");
        lines.add("lxc.apparmor.profile = unconfined");
        Files.write(config, lines);
        if (start) {
            startContainer();
        }
    }
}
