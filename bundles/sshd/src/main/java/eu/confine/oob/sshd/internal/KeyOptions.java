package eu.confine.oob.sshd.internal;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The options of one {@code authorized_keys} line, every one of them enforced: {@code restrict}, {@code pty} and
 * {@code no-pty} (in order, as OpenSSH reads them: whether a terminal may be allocated), {@code from} (see
 * {@link FromPatterns}) and {@code expiry-time} (local time unless it ends in {@code Z}). The restrictions that
 * {@code restrict} implies ({@code no-port-forwarding}, {@code no-agent-forwarding}, {@code no-X11-forwarding},
 * {@code no-user-rc}) are accepted because this server never forwards nor runs rc files. Any other option, a value
 * where none belongs, or an option given twice makes the line invalid: the key is refused, never half-honoured.
 */
final class KeyOptions {

    private static final String RESTRICT = "restrict";
    private static final String PTY = "pty";
    private static final String NO_PTY = "no-pty";
    private static final String FROM = "from";
    private static final String EXPIRY_TIME = "expiry-time";
    private static final Set<String> FLAGS = Set.of(RESTRICT, PTY, NO_PTY, "no-port-forwarding", "no-agent-forwarding",
            "no-x11-forwarding", "no-user-rc");
    private static final Set<String> VALUED = Set.of(FROM, EXPIRY_TIME);
    private static final Pattern EXPIRY = Pattern.compile("([0-9]{8}|[0-9]{12}|[0-9]{14})(Z?)");
    private static final DateTimeFormatter EXPIRY_FORMAT =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);

    private final boolean ptyAllowed;
    private final String from;
    private final String expiryText;

    private KeyOptions(boolean ptyAllowed, String from, String expiryText) {
        this.ptyAllowed = ptyAllowed;
        this.from = from;
        this.expiryText = expiryText;
    }

    /** A line without options. */
    static KeyOptions none() {
        return new KeyOptions(true, null, null);
    }

    /**
     * The options of a line.
     *
     * @param parsed      the options as MINA's {@code AuthorizedKeyEntry} parsed them (names case-insensitive)
     * @param optionsText the raw options part of the line, for their order and to see repeated options
     * @throws IllegalArgumentException naming the offending option
     */
    static KeyOptions parse(Map<String, String> parsed, String optionsText) {
        List<String[]> tokens = tokens(optionsText);
        Set<String> seen = new HashSet<>();
        boolean pty = true;
        for (String[] token : tokens) {
            String name = token[0];
            if (!seen.add(name)) {
                throw new IllegalArgumentException("option " + name + " is given more than once");
            }
            if (FLAGS.contains(name)) {
                if (token[1] != null) {
                    throw new IllegalArgumentException("option " + name + " takes no value");
                }
                pty = switch (name) {
                    case RESTRICT, NO_PTY -> false;
                    case PTY -> true;
                    default -> pty;
                };
            } else if (VALUED.contains(name)) {
                if (token[1] == null) {
                    throw new IllegalArgumentException("option " + name + " needs a value");
                }
            } else {
                throw new IllegalArgumentException("option '" + Printable.of(name) + "' is not supported by this server");
            }
        }
        Set<String> minaNames = new TreeSet<>();
        parsed.keySet().forEach(name -> minaNames.add(name.toLowerCase(Locale.ROOT)));
        if (!minaNames.equals(new TreeSet<>(seen))) {
            throw new IllegalArgumentException("options '" + Printable.of(optionsText) + "' cannot be read unambiguously");
        }
        String fromValue = valueOf(parsed, FROM);
        String expiryValue = valueOf(parsed, EXPIRY_TIME);
        KeyOptions options = new KeyOptions(pty, fromValue, expiryValue);
        if (expiryValue != null) {
            options.expiry(ZoneOffset.UTC);
        }
        if (fromValue != null) {
            FromPatterns.allows(fromValue, InetAddress.getLoopbackAddress());
        }
        return options;
    }

    /** Whether the key may have a terminal (and so the console). */
    boolean ptyAllowed() {
        return ptyAllowed;
    }

    /**
     * Why a login from that address at that time is refused, or null if the options allow it.
     *
     * @throws IllegalArgumentException if the {@code from} list is invalid
     */
    String refusal(InetAddress client, Clock clock) {
        if (expiryText != null) {
            Instant expiry = expiry(clock.getZone());
            if (clock.instant().isAfter(expiry)) {
                return "the key expired at " + expiry + " (expiry-time=\"" + expiryText + "\")";
            }
        }
        if (from != null && !FromPatterns.allows(from, client)) {
            return "the client address " + FromPatterns.text(client) + " does not match from=\"" + from + "\"";
        }
        return null;
    }

    private Instant expiry(ZoneId localZone) {
        var matcher = EXPIRY.matcher(expiryText);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("expiry-time \"" + Printable.of(expiryText)
                    + "\" is not YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]");
        }
        String digits = matcher.group(1);
        try {
            LocalDateTime local = LocalDateTime.parse(digits + "000000".substring(digits.length() - 8), EXPIRY_FORMAT);
            return local.atZone(matcher.group(2).isEmpty() ? localZone : ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expiry-time \"" + expiryText + "\" is not a valid date");
        }
    }

    /** Name (lowercase) and raw value (null if none) of each option, in order; commas inside quotes do not split. */
    private static List<String[]> tokens(String optionsText) {
        List<String[]> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i <= optionsText.length(); i++) {
            char c = i < optionsText.length() ? optionsText.charAt(i) : ',';
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted || i == optionsText.length()) {
                String token = current.toString().strip();
                if (token.isEmpty()) {
                    throw new IllegalArgumentException("empty option in '" + Printable.of(optionsText) + "'");
                }
                int equals = token.indexOf('=');
                String name = (equals < 0 ? token : token.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
                tokens.add(new String[] {name, equals < 0 ? null : token.substring(equals + 1)});
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quotes in '" + Printable.of(optionsText) + "'");
        }
        return tokens;
    }

    private static String valueOf(Map<String, String> parsed, String name) {
        for (Map.Entry<String, String> option : parsed.entrySet()) {
            if (option.getKey().equalsIgnoreCase(name)) {
                return option.getValue();
            }
        }
        return null;
    }
}
