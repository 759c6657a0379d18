package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A sliver as the provisioning bundles leave it, made for real: a user and group, a home
 * {@code root:USER 0750} with {@code .ssh} and {@code tmp}, and a directory standing in for the
 * sliver's {@code /tmp} ({@code root 1777}) bind-mounted on {@code home/tmp} nosymfollow, nosuid,
 * nodev, noexec and private. Outside it: marker files a hostile sliver would like to reach.
 */
final class SliverFixture implements AutoCloseable {

    final String user;
    final Path base;
    final Path homeBase;
    final Path home;
    final Path sliverTmp;
    final Path outside;
    final Path readableMarker;
    final Path writableMarker;
    final Path rootOnlyMarker;
    final Path rootGroupMarker;
    final Path userGroupFile;
    final int uid;
    final int gid;

    SliverFixture() throws IOException {
        String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        user = "oobf" + suffix;
        base = Files.createTempDirectory("oob-files-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        homeBase = Files.createDirectory(base.resolve("home"));
        home = homeBase.resolve(user);
        sliverTmp = Files.createDirectories(base.resolve("rootfs/tmp"));
        outside = Files.createDirectory(base.resolve("outside"));
        Host.check("groupadd", "--", user);
        Host.check("useradd", "--no-create-home", "--home-dir", home.toString(), "--gid", user,
                "--shell", "/usr/sbin/nologin", "--", user);
        String[] entry = Host.check("getent", "passwd", user).strip().split(":");
        uid = Integer.parseInt(entry[2]);
        gid = Integer.parseInt(entry[3]);
        for (Path dir : new Path[] {home, home.resolve(".ssh"), home.resolve("tmp")}) {
            Files.createDirectory(dir);
            Host.check("chown", "root:" + user, dir.toString());
            Host.check("chmod", "0750", dir.toString());
        }
        Files.writeString(home.resolve(".ssh/authorized_keys"), "# the test key\n");
        Host.check("chmod", "1777", sliverTmp.toString());
        Host.check("chmod", "0755", base.resolve("rootfs").toString(), outside.toString());
        readableMarker = marker(outside.resolve("readable"), "0644", "root:root");
        writableMarker = marker(outside.resolve("writable"), "0666", "root:root");
        rootOnlyMarker = marker(Files.createDirectory(Path.of("/root/oob-files-" + suffix)).resolve("marker"), "0600", "root:root");
        rootGroupMarker = marker(outside.resolve("root-group"), "0640", "root:root");
        userGroupFile = marker(outside.resolve("user-group"), "0640", "root:" + user);
        Host.check("mount", "--bind", sliverTmp.toString(), home.resolve("tmp").toString());
        Host.check("mount", "-o", "remount,bind,nosymfollow,nosuid,nodev,noexec", home.resolve("tmp").toString());
        Host.check("mount", "--make-private", home.resolve("tmp").toString());
    }

    private static Path marker(Path path, String mode, String owner) throws IOException {
        Files.writeString(path, "marker " + path.getFileName() + " " + HexFormat.of().formatHex(new SecureRandom().generateSeed(8)) + "\n",
                StandardCharsets.UTF_8);
        Host.check("chown", owner, path.toString());
        Host.check("chmod", mode, path.toString());
        return path;
    }

    /** A path in the sliver's tmp, as the sliver (root inside its container) sees it from the host. */
    Path tmp(String name) {
        return sliverTmp.resolve(name);
    }

    @Override
    public void close() {
        Host.run("umount", home.resolve("tmp").toString());
        Host.run("umount", "-l", home.resolve("tmp").toString());
        Host.run("userdel", "--", user);
        Host.run("groupdel", "--", user);
        Host.run("rm", "-rf", "--one-file-system", "--", base.toString(), rootOnlyMarker.getParent().toString());
    }
}
