package eu.confine.oob.keys.internal;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which {@code authorized_keys} options an admin key may carry and how the kept ones are written: options
 * that {@code restrict,pty} already implies are dropped, {@code from}, {@code expiry-time} and {@code no-pty}
 * are kept (the SSH front end enforces them), and any other option refuses the key.
 */
final class KeyOptions {

    static final String FROM = "from";
    static final String EXPIRY_TIME = "expiry-time";
    static final String NO_PTY = "no-pty";

    private static final Set<String> IMPLIED = Set.of("restrict", "pty", "no-port-forwarding", "no-agent-forwarding",
            "no-x11-forwarding", "no-user-rc");
    /** Host names, addresses, CIDR masks, wildcards and negation; no quote, backslash, '=' or space. */
    private static final Pattern FROM_VALUE = Pattern.compile("[A-Za-z0-9.:*?!,/_%-]{1,1024}");
    private static final Pattern EXPIRY_VALUE = Pattern.compile("[0-9]{8}(?:[0-9]{4}(?:[0-9]{2})?)?");
    private static final DateTimeFormatter EXPIRY_FORMAT =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);

    private KeyOptions() {
    }

    /**
     * The option list of a written line.
     *
     * @param options     the options as MINA SSHD parsed them (names case-insensitive, flags valued "true")
     * @param optionsText the raw options part of the line, only to see whether a valued option was given twice
     * @param comment     the key's comment, for the rejection
     */
    static String render(Map<String, String> options, String optionsText, String comment) throws RejectedKeyException {
        String from = null;
        String expiry = null;
        boolean noPty = false;
        for (Map.Entry<String, String> option : options.entrySet()) {
            String name = option.getKey().toLowerCase(Locale.ROOT);
            String value = option.getValue();
            if (IMPLIED.contains(name) || NO_PTY.equals(name)) {
                if (!"true".equals(value)) {
                    throw new RejectedKeyException(comment, "option " + name + " takes no value");
                }
                noPty |= NO_PTY.equals(name);
            } else if (FROM.equals(name)) {
                from = valued(name, value, optionsText, FROM_VALUE, comment);
            } else if (EXPIRY_TIME.equals(name)) {
                expiry = valued(name, value, optionsText, EXPIRY_VALUE, comment);
                requireDate(expiry, comment);
            } else {
                throw new RejectedKeyException(comment, "option '" + KeyRules.sanitiseComment(option.getKey())
                        + "' is not allowed (only from=, expiry-time= and no-pty are kept)");
            }
        }
        return KeyRules.FIXED_OPTIONS
                + (from == null ? "" : "," + FROM + "=\"" + from + "\"")
                + (expiry == null ? "" : "," + EXPIRY_TIME + "=\"" + expiry + "\"")
                + (noPty ? "," + NO_PTY : "");
    }

    private static String valued(String name, String value, String optionsText, Pattern allowed, String comment)
            throws RejectedKeyException {
        long given = Pattern.compile("(?:^|,)\\s*" + Pattern.quote(name) + "\\s*=", Pattern.CASE_INSENSITIVE)
                .matcher(optionsText).results().count();
        if (given == 0) {
            throw new RejectedKeyException(comment, "option " + name + " needs a value");
        }
        if (given > 1) {
            throw new RejectedKeyException(comment, "option " + name + " is given more than once");
        }
        if (!allowed.matcher(value).matches()) {
            throw new RejectedKeyException(comment, "option " + name + " has an invalid value '"
                    + KeyRules.sanitiseComment(value) + "'");
        }
        return value;
    }

    private static void requireDate(String expiry, String comment) throws RejectedKeyException {
        try {
            LocalDateTime.parse(expiry + "000000".substring(expiry.length() - 8), EXPIRY_FORMAT);
        } catch (DateTimeParseException e) {
            throw new RejectedKeyException(comment, "option " + EXPIRY_TIME + " is not a date: '" + expiry + "'");
        }
    }
}
