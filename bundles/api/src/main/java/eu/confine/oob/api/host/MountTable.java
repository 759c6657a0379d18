package eu.confine.oob.api.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The mounts of this process's mount namespace, read from {@code /proc/self/mountinfo} (see proc(5)).
 * Reading it again is how every mount step finds out what is already done.
 */
public final class MountTable {

    private static final Path SELF = Path.of("/proc/self/mountinfo");

    private final List<Mount> mounts;

    private MountTable(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** The mounts as they are now. */
    public static MountTable read() {
        try {
            return parse(Files.readString(SELF));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
    }

    /** Parses mountinfo text. */
    public static MountTable parse(String mountinfo) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            if (!line.isBlank()) {
                mounts.add(Mount.parse(line));
            }
        }
        return new MountTable(mounts);
    }

    /** Every mount, in mount order. */
    public List<Mount> all() {
        return mounts;
    }

    /** The topmost mount at exactly this mount point, if any. */
    public Optional<Mount> at(Path mountPoint) {
        Optional<Mount> top = Optional.empty();
        for (Mount mount : mounts) {
            if (mount.mountPoint().equals(mountPoint)) {
                top = Optional.of(mount);
            }
        }
        return top;
    }

    /** Mounts at or below a directory, deepest (and latest) first: the order to unmount them in. */
    public List<Mount> atOrBelow(Path directory) {
        List<Mount> found = new ArrayList<>();
        for (Mount mount : mounts) {
            if (mount.mountPoint().startsWith(directory)) {
                found.add(0, mount);
            }
        }
        found.sort((a, b) -> Integer.compare(b.mountPoint().getNameCount(), a.mountPoint().getNameCount()));
        return found;
    }

    /**
     * One line of mountinfo.
     *
     * @param id          mount id
     * @param root        the directory of the source filesystem that is mounted (for bind mounts, the bound directory)
     * @param mountPoint  where it is mounted
     * @param options     per-mount options ({@code rw}, {@code nosuid}, {@code nosymfollow}, ...)
     * @param propagation optional fields ({@code shared:N}, {@code master:N}); empty for a private mount
     * @param fsType      filesystem type
     * @param source      mount source
     */
    public record Mount(int id, Path root, Path mountPoint, Set<String> options, List<String> propagation,
                        String fsType, String source) {

        static Mount parse(String line) {
            String[] fields = line.split(" ");
            int separator = Arrays.asList(fields).indexOf("-");
            if (fields.length < 10 || separator < 6 || separator + 2 >= fields.length) {
                throw new IllegalArgumentException("not a mountinfo line: " + line);
            }
            return new Mount(Integer.parseInt(fields[0]), Path.of(unescape(fields[3])), Path.of(unescape(fields[4])),
                    Set.of(fields[5].split(",")), List.of(Arrays.copyOfRange(fields, 6, separator)),
                    fields[separator + 1], unescape(fields[separator + 2]));
        }

        /** Whether no mount event propagates to or from this mount. */
        public boolean isPrivate() {
            return propagation.stream().noneMatch(tag -> tag.startsWith("shared:") || tag.startsWith("master:"));
        }

        /** Whether every option named is set. */
        public boolean has(String... required) {
            return options.containsAll(List.of(required));
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as three-digit octal. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
