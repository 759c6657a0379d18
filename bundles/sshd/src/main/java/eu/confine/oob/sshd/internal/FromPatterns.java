package eu.confine.oob.sshd.internal;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code from="pattern-list"} option of {@code authorized_keys}, as OpenSSH's {@code match_host_and_ip} reads it
 * with {@code UseDNS no}: a comma-separated list of entries, each an address, a CIDR network or a {@code *}/{@code ?}
 * wildcard pattern, optionally negated by a leading {@code !}. The client matches if some entry matches and no
 * negated one does. Wildcards are matched against the client's address text: there is no reverse DNS, so host
 * name patterns never match. A network with bits set beyond its mask, or an empty entry, makes the list invalid.
 */
final class FromPatterns {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final int MAX_ENTRIES = 64;

    private FromPatterns() {
    }

    /**
     * Whether the client address is allowed by the pattern list.
     *
     * @throws IllegalArgumentException if the list is not valid (the key must then be refused)
     */
    static boolean allows(String patternList, InetAddress client) {
        String clientText = text(client);
        String[] entries = patternList.split(",", -1);
        if (entries.length > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries");
        }
        boolean positive = false;
        boolean negative = false;
        // Every entry is checked, even after a negated match, so that an invalid list is refused whoever connects.
        for (String raw : entries) {
            String entry = raw.strip();
            boolean negated = entry.startsWith("!");
            String body = negated ? entry.substring(1) : entry;
            if (body.isEmpty()) {
                throw new IllegalArgumentException("empty entry in '" + patternList + "'");
            }
            if (matches(body, client, clientText)) {
                negative |= negated;
                positive |= !negated;
            }
        }
        return positive && !negative;
    }

    private static boolean matches(String body, InetAddress client, String clientText) {
        int slash = body.indexOf('/');
        String addressPart = slash < 0 ? body : body.substring(0, slash);
        InetAddress network = literal(addressPart);
        if (network == null) {
            if (slash >= 0) {
                throw new IllegalArgumentException("'" + body + "' is not an address/mask");
            }
            return wildcard(body.toLowerCase(Locale.ROOT), clientText);
        }
        int bits = network.getAddress().length * 8;
        int mask = bits;
        if (slash >= 0) {
            String maskText = body.substring(slash + 1);
            if (!maskText.matches("[0-9]{1,3}") || Integer.parseInt(maskText) > bits) {
                throw new IllegalArgumentException("'" + body + "' has an invalid mask length");
            }
            mask = Integer.parseInt(maskText);
        }
        BigInteger networkBits = new BigInteger(1, network.getAddress());
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - mask).subtract(BigInteger.ONE);
        if (networkBits.and(hostMask).signum() != 0) {
            throw new IllegalArgumentException("'" + body + "' has bits set beyond its mask");
        }
        if (network.getClass() != client.getClass()) {
            return false;
        }
        return new BigInteger(1, client.getAddress()).andNot(hostMask).equals(networkBits);
    }

    /** The address of a literal (never a DNS lookup), or null if it is no IPv4 or IPv6 literal. */
    private static InetAddress literal(String text) {
        if (IPV4.matcher(text).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = text.split("\\.");
            for (int i = 0; i < 4; i++) {
                int value = Integer.parseInt(parts[i]);
                if (value > 255) {
                    return null;
                }
                bytes[i] = (byte) value;
            }
            return byAddress(bytes);
        }
        if (IPV6.matcher(text).matches()) {
            try {
                // A string with ':' is parsed as an IPv6 literal or refused; it is never looked up.
                InetAddress address = InetAddress.getByName("[" + text + "]");
                return address instanceof Inet6Address || address instanceof Inet4Address ? address : null;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an address", e);
        }
    }

    /** The client address as OpenSSH prints it: dotted IPv4, or compressed lowercase IPv6 without scope. */
    static String text(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            out.append(Integer.toHexString(groups[i]));
            if (i < 7) {
                out.append(':');
            }
        }
        return out.toString();
    }

    /** OpenSSH's {@code match_pattern}: {@code *} any run, {@code ?} any one character; linear backtracking. */
    private static boolean wildcard(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
