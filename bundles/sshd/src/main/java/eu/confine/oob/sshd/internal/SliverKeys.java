package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

import eu.confine.oob.api.SliceId;

/**
 * Decides whether a public key may log into a slice from an address, now: the key must be of an accepted type and
 * be listed, with options that allow this login, in the slice user's own {@code ~/.ssh/authorized_keys}. That file
 * is read afresh on every call with MINA's {@link AuthorizedKeyEntry}, and only if it and its directories are
 * root-owned, not group- or world-writable, and no symbolic links.
 */
final class SliverKeys {

    static final int MAX_FILE_SIZE = 1024 * 1024;
    static final int MIN_RSA_BITS = 2048;

    private static final Set<String> ACCEPTED_TYPES = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521", "ssh-rsa");

    private final Path homeBase;
    private final Clock clock;

    SliverKeys(Path homeBase, Clock clock) {
        this.homeBase = homeBase;
        this.clock = clock;
    }

    /** The outcome for one key: the options it logs in with, or why it is refused. */
    record Verdict(KeyOptions options, String refusal) {
        boolean allowed() {
            return options != null;
        }

        static Verdict refused(String reason) {
            return new Verdict(null, reason);
        }
    }

    /** Whether the key may log into the slice from that client address now. */
    Verdict check(SliceId sliceId, PublicKey offered, InetAddress client) {
        String typeProblem = typeProblem(offered);
        if (typeProblem != null) {
            return Verdict.refused(typeProblem);
        }
        List<String> lines;
        try {
            lines = read(sliceId);
        } catch (IOException e) {
            return Verdict.refused(e.getMessage());
        }
        String blob = PublicKeyEntry.toString(offered).split(" ")[1];
        String lastRefusal = null;
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1);
            AuthorizedKeyEntry entry;
            PublicKey listed;
            try {
                entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line);
                if (entry == null) {
                    continue;
                }
                listed = entry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                // A line no parser understands lists no key; if it mentions this one, say why it does not count.
                if (line.contains(blob)) {
                    lastRefusal = "line " + number + " cannot be read (" + Printable.of(e.getMessage()) + ")";
                }
                continue;
            }
            if (listed == null || !KeyUtils.compareKeys(offered, listed)) {
                continue;
            }
            // As OpenSSH does: a listed key whose options refuse this login lets a later line for the same key decide.
            try {
                KeyOptions options = entry.getLoginOptions().isEmpty() ? KeyOptions.none()
                        : KeyOptions.parse(entry.getLoginOptions(), optionsText(line));
                String refusal = options.refusal(client, clock);
                if (refusal == null) {
                    return new Verdict(options, null);
                }
                lastRefusal = "line " + number + ": " + refusal;
            } catch (IllegalArgumentException e) {
                lastRefusal = "line " + number + ": " + e.getMessage() + " (key refused)";
            }
        }
        return Verdict.refused(lastRefusal != null ? lastRefusal : "the key is not in " + keysFile(sliceId));
    }

    Path keysFile(SliceId sliceId) {
        return homeBase.resolve(sliceId.userName()).resolve(".ssh").resolve("authorized_keys");
    }

    private List<String> read(SliceId sliceId) throws IOException {
        Path home = homeBase.resolve(sliceId.userName());
        Path sshDir = home.resolve(".ssh");
        Path file = sshDir.resolve("authorized_keys");
        // The home base is configuration and may be reached through a link; below it nothing may be.
        requireRootOnly(homeBase, true, true);
        requireRootOnly(home, true, false);
        requireRootOnly(sshDir, true, false);
        requireRootOnly(file, false, false);
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(MAX_FILE_SIZE + 1);
            if (bytes.length > MAX_FILE_SIZE) {
                throw new IOException(file + " is larger than " + MAX_FILE_SIZE + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static void requireRootOnly(Path path, boolean directory, boolean followLinks) throws IOException {
        LinkOption[] options = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        PosixFileAttributes attributes;
        Object uid;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, options);
            uid = Files.getAttribute(path, "unix:uid", options);
        } catch (NoSuchFileException e) {
            throw new IOException(path + " does not exist", e);
        }
        boolean rightType = directory ? attributes.isDirectory() : attributes.isRegularFile();
        Set<PosixFilePermission> mode = attributes.permissions();
        if (!rightType || !Integer.valueOf(0).equals(uid) || mode.contains(PosixFilePermission.GROUP_WRITE)
                || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(path + " must be a " + (directory ? "directory" : "regular file")
                    + " (no link) owned by root and writable by root only");
        }
    }

    private static String typeProblem(PublicKey key) {
        if (key instanceof OpenSshCertificate) {
            return "certificates are not accepted";
        }
        String type = KeyUtils.getKeyType(key);
        if (type == null || !ACCEPTED_TYPES.contains(type)) {
            return "key type " + type + " is not accepted (ed25519, ECDSA, or RSA of at least " + MIN_RSA_BITS + " bits)";
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            return "RSA key of " + rsa.getModulus().bitLength() + " bits is too short (at least " + MIN_RSA_BITS + ")";
        }
        return null;
    }

    /** The options part of a line with options, as MINA splits it. */
    private static String optionsText(String line) {
        Map.Entry<String, String> parts = AuthorizedKeyEntry.resolveEntryComponents(line);
        return parts == null ? "" : parts.getKey();
    }
}
