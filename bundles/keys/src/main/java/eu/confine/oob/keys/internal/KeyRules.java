package eu.confine.oob.keys.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

import eu.confine.oob.api.AdminKeyPolicy.KeyCheck;

/**
 * The admin key rules: which key lines are accepted and the one {@code authorized_keys} line each becomes,
 * rebuilt from what MINA SSHD parsed, never copied from the input.
 */
final class KeyRules {

    /** Options every written line starts with: nothing but a session with a PTY is permitted. */
    static final String FIXED_OPTIONS = "restrict,pty";

    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 16384;
    static final int MAX_LINE_LENGTH = 16 * 1024;
    static final int MAX_COMMENT_LENGTH = 200;

    private static final Set<String> ACCEPTED_TYPES = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa");

    /**
     * Checks key lines; later duplicates of a key (same type and blob) collapse into the first.
     *
     * @return the rendered lines of the accepted keys in input order, and one reason per rejected line
     */
    KeyCheck check(List<String> lines) {
        Map<String, String> renderedByKey = new LinkedHashMap<>();
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            try {
                Accepted key = parse(line);
                if (key != null) {
                    renderedByKey.putIfAbsent(key.typeAndBlob(), key.render());
                }
            } catch (RejectedKeyException e) {
                rejected.add("key " + (e.comment().isEmpty() ? "#" + (i + 1) : "'" + e.comment() + "' (#" + (i + 1) + ")")
                        + ": " + e.getMessage());
            }
        }
        return new KeyCheck(List.copyOf(renderedByKey.values()), rejected);
    }

    /** The accepted key of a line, null for a blank or comment line. */
    private static Accepted parse(String line) throws RejectedKeyException {
        if (line == null || line.isBlank() || line.strip().startsWith("#")) {
            return null;
        }
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0 || line.indexOf('\0') >= 0) {
            throw new RejectedKeyException("", "the line contains a line break or NUL");
        }
        if (line.length() > MAX_LINE_LENGTH) {
            throw new RejectedKeyException("", "the line is longer than " + MAX_LINE_LENGTH + " characters");
        }
        AuthorizedKeyEntry entry;
        try {
            entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line);
        } catch (RuntimeException e) {
            throw new RejectedKeyException("", "not an OpenSSH public key line, or of an unknown key type");
        }
        if (entry == null) {
            return null;
        }
        String comment = sanitiseComment(entry.getComment());
        String type = entry.getKeyType();
        if ("ssh-dss".equals(type)) {
            throw new RejectedKeyException(comment, "DSA keys are not accepted");
        }
        if (!ACCEPTED_TYPES.contains(type)) {
            throw new RejectedKeyException(comment, "key type '" + sanitiseComment(type) + "' is not accepted (use "
                    + "ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa of at least " + MIN_RSA_BITS + " bits)");
        }
        PublicKey key = decode(entry, comment);
        if (key instanceof RSAPublicKey) {
            int bits = ((RSAPublicKey) key).getModulus().bitLength();
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw new RejectedKeyException(comment, "RSA key of " + bits + " bits (accepted: "
                        + MIN_RSA_BITS + " to " + MAX_RSA_BITS + ")");
            }
        }
        String options = KeyOptions.render(entry.getLoginOptions(), optionsText(line, entry), comment);
        return new Accepted(PublicKeyEntry.toString(key), options, comment);
    }

    private static PublicKey decode(AuthorizedKeyEntry entry, String comment) throws RejectedKeyException {
        PublicKey key;
        try {
            key = entry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new RejectedKeyException(comment, "the " + entry.getKeyType() + " key data cannot be decoded");
        }
        if (key == null || !entry.getKeyType().equals(KeyUtils.getKeyType(key))) {
            throw new RejectedKeyException(comment, "the key data is not a " + entry.getKeyType() + " key");
        }
        return key;
    }

    /** The options part of the line as MINA splits it, for the duplicate check only. */
    private static String optionsText(String line, AuthorizedKeyEntry entry) {
        if (entry.getLoginOptions().isEmpty()) {
            return "";
        }
        Map.Entry<String, String> parts = AuthorizedKeyEntry.resolveEntryComponents(line);
        return parts == null ? "" : parts.getKey();
    }

    /** Printable ASCII only, whitespace runs as one space, bounded length. */
    static String sanitiseComment(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        raw.codePoints().forEach(c -> {
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                out.append(' ');
            } else {
                out.append(c > 0x20 && c < 0x7f ? (char) c : '?');
            }
        });
        String single = out.toString().strip().replaceAll(" {2,}", " ");
        return single.length() > MAX_COMMENT_LENGTH ? single.substring(0, MAX_COMMENT_LENGTH).strip() : single;
    }

    /** An accepted key: type and base64 blob re-encoded from the decoded key, its kept options, its comment. */
    private record Accepted(String typeAndBlob, String options, String comment) {
        String render() {
            return options + " " + typeAndBlob + (comment.isEmpty() ? "" : " " + comment);
        }
    }
}
