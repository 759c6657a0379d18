package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's host keys, ed25519 and RSA 3072: generated on first start into a root-only directory in OpenSSH
 * format (MINA's writer), read back with MINA's parser on every later start, so restarts and bundle updates keep
 * the clients' {@code known_hosts} valid.
 */
final class HostKeys {

    private static final Logger LOG = LoggerFactory.getLogger(HostKeys.class);
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final String COMMENT = "confine-oob host key";

    /** The key types and sizes, with their file names. */
    private static final List<Kind> KINDS = List.of(new Kind(KeyPairProvider.SSH_ED25519, 256, "ssh_host_ed25519_key"),
            new Kind(KeyPairProvider.SSH_RSA, 3072, "ssh_host_rsa_key"));

    private final Path directory;

    HostKeys(Path directory) {
        this.directory = directory;
    }

    /** Loads every host key, generating those that do not exist yet. */
    List<KeyPair> loadOrGenerate() throws IOException, GeneralSecurityException {
        requireDirectory();
        List<KeyPair> keys = new ArrayList<>();
        for (Kind kind : KINDS) {
            Path file = directory.resolve(kind.fileName());
            keys.add(Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? load(file, kind) : generate(file, kind));
        }
        return keys;
    }

    /** {@code TYPE SHA256:...} of a host key. */
    static String fingerprint(KeyPair key) {
        return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(BuiltinDigests.sha256, key.getPublic());
    }

    private void requireDirectory() throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(directory.getParent());
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
            LOG.info("Created host key directory {}", directory);
        }
        PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory() || !isOwnedByUs(directory)) {
            throw new IOException("host key directory " + directory + " must be a directory (not a link) owned by "
                    + System.getProperty("user.name"));
        }
        if (!attributes.permissions().equals(DIRECTORY_MODE)) {
            Files.setPosixFilePermissions(directory, DIRECTORY_MODE);
            LOG.warn("Host key directory {} had mode {}; set to 0700", directory,
                    PosixFilePermissions.toString(attributes.permissions()));
        }
    }

    private KeyPair load(Path file, Kind kind) throws IOException, GeneralSecurityException {
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile() || !isOwnedByUs(file)) {
            throw new IOException("host key " + file + " must be a regular file (not a link) owned by " + System.getProperty("user.name"));
        }
        if (!attributes.permissions().equals(PRIVATE_MODE)) {
            throw new IOException("host key " + file + " has mode " + PosixFilePermissions.toString(attributes.permissions())
                    + " instead of rw-------: it may have been read by others; delete it to generate a new one");
        }
        Iterable<KeyPair> loaded;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null);
        }
        Iterator<KeyPair> pairs = loaded == null ? List.<KeyPair>of().iterator() : loaded.iterator();
        if (!pairs.hasNext()) {
            throw new IOException("host key " + file + " holds no key pair");
        }
        KeyPair key = pairs.next();
        if (!kind.type().equals(KeyUtils.getKeyType(key))) {
            throw new IOException("host key " + file + " is a " + KeyUtils.getKeyType(key) + " key, expected " + kind.type());
        }
        return key;
    }

    private KeyPair generate(Path file, Kind kind) throws IOException, GeneralSecurityException {
        KeyPair key;
        try {
            key = KeyUtils.generateKeyPair(kind.type(), kind.bits());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new GeneralSecurityException("cannot generate a " + kind.type() + " host key (for ed25519 the "
                    + "BouncyCastle 1.86 bundles must be present): " + e.getMessage(), e);
        }
        writeAtomically(file, PRIVATE_MODE, out -> OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, COMMENT, null, out));
        writeAtomically(file.resolveSibling(file.getFileName() + ".pub"), PUBLIC_MODE,
                out -> OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(key.getPublic(), COMMENT, out));
        LOG.info("Generated host key {}: {}", file, fingerprint(key));
        return key;
    }

    /** Writes a temp file that has its final mode before any byte, syncs it and renames it into place. */
    private void writeAtomically(Path target, Set<PosixFilePermission> mode, KeyWriter writer)
            throws IOException, GeneralSecurityException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PRIVATE_MODE))) {
                OutputStream out = Channels.newOutputStream(channel);
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, mode);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static boolean isOwnedByUs(Path path) throws IOException {
        try {
            Object owner = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return owner.equals(self);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Writes key material to a stream. */
    private interface KeyWriter {
        void write(OutputStream out) throws IOException, GeneralSecurityException;
    }

    /** A host key type, its size and file name. */
    private record Kind(String type, int bits, String fileName) {
    }
}
