package eu.confine.oob.sshd.files;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A purely lexical path of the sliver's file view: {@code /} holds only {@code tmp}; relative paths
 * start at {@code /}. {@code ..} never climbs above {@code /} (the lexical root); the kernel keeps
 * every resolution below the tmp handle anyway ({@link SliverTree}).
 */
final class SliverPath implements Path {

    /** Longest name of one component and longest path, in UTF-8 bytes (the kernel's limits). */
    static final int NAME_MAX = 255;
    static final int PATH_MAX = 4095;

    private final SliverFileSystem fs;
    private final boolean absolute;
    private final String[] names;

    private SliverPath(SliverFileSystem fs, boolean absolute, String[] names) {
        this.fs = fs;
        this.absolute = absolute;
        this.names = names;
    }

    /** Parses a client's path: separators collapse, a NUL or an over-long name is refused. */
    static SliverPath parse(SliverFileSystem fs, String path) {
        if (path.indexOf('\0') >= 0) {
            throw new InvalidPathException(path.replace('\0', '?'), "NUL in path");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > PATH_MAX) {
            throw new InvalidPathException(path.substring(0, 64) + "…", "path too long");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
                throw new InvalidPathException(path, "name too long");
            }
            parts.add(part);
        }
        return new SliverPath(fs, path.startsWith("/"), parts.toArray(new String[0]));
    }

    /**
     * The names below the tmp of this path made absolute and normalized; an empty list is the tmp
     * itself, {@code null} the virtual root {@code /}.
     *
     * @throws NoSuchFileException for anything else: only {@code /} and {@code /tmp} exist at the top
     */
    List<String> tmpNames() throws NoSuchFileException {
        String[] normal = ((SliverPath) toAbsolutePath().normalize()).names;
        if (normal.length == 0) {
            return null;
        }
        if (!normal[0].equals("tmp")) {
            throw new NoSuchFileException(toString(), null, "only /tmp is served");
        }
        return List.of(Arrays.copyOfRange(normal, 1, normal.length));
    }

    @Override
    public SliverFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return absolute;
    }

    @Override
    public Path getRoot() {
        return absolute ? new SliverPath(fs, true, new String[0]) : null;
    }

    @Override
    public Path getFileName() {
        if (names.length == 0) {
            return absolute ? null : this;
        }
        return new SliverPath(fs, false, new String[] {names[names.length - 1]});
    }

    @Override
    public Path getParent() {
        if (names.length == 0 || (!absolute && names.length == 1)) {
            return null;
        }
        return new SliverPath(fs, absolute, Arrays.copyOf(names, names.length - 1));
    }

    @Override
    public int getNameCount() {
        return names.length;
    }

    @Override
    public Path getName(int index) {
        return new SliverPath(fs, false, new String[] {names[index]});
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        if (beginIndex < 0 || endIndex > names.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("subpath " + beginIndex + ".." + endIndex + " of " + this);
        }
        return new SliverPath(fs, false, Arrays.copyOfRange(names, beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        SliverPath o = check(other);
        return o.absolute == absolute && o.names.length <= names.length
                && Arrays.equals(o.names, Arrays.copyOf(names, o.names.length));
    }

    @Override
    public boolean endsWith(Path other) {
        SliverPath o = check(other);
        if (o.absolute) {
            return equals(o);
        }
        return o.names.length <= names.length
                && Arrays.equals(o.names, Arrays.copyOfRange(names, names.length - o.names.length, names.length));
    }

    @Override
    public Path normalize() {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                } else if (!absolute) {
                    out.add(name);
                }
                continue;
            }
            out.add(name);
        }
        return new SliverPath(fs, absolute, out.toArray(new String[0]));
    }

    @Override
    public Path resolve(Path other) {
        SliverPath o = check(other);
        if (o.absolute) {
            return o;
        }
        String[] joined = Arrays.copyOf(names, names.length + o.names.length);
        System.arraycopy(o.names, 0, joined, names.length, o.names.length);
        return new SliverPath(fs, absolute, joined);
    }

    @Override
    public Path relativize(Path other) {
        SliverPath o = check(other);
        if (o.absolute != absolute) {
            throw new IllegalArgumentException(other + " and " + this + " are not both absolute or both relative");
        }
        int common = 0;
        while (common < names.length && common < o.names.length && names[common].equals(o.names[common])) {
            common++;
        }
        List<String> out = new ArrayList<>();
        for (int i = common; i < names.length; i++) {
            out.add("..");
        }
        out.addAll(Arrays.asList(o.names).subList(common, o.names.length));
        return new SliverPath(fs, false, out.toArray(new String[0]));
    }

    @Override
    public URI toUri() {
        try {
            return new URI("sliver", null, toAbsolutePath().toString(), null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Path toAbsolutePath() {
        return absolute ? this : new SliverPath(fs, true, names);
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        Path real = toAbsolutePath().normalize();
        fs.provider().checkAccess(real);
        return real;
    }

    @Override
    public File toFile() {
        throw new UnsupportedOperationException("a sliver path is not a host file");
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("watching is not offered");
    }

    @Override
    public int compareTo(Path other) {
        return toString().compareTo(check(other).toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SliverPath && ((SliverPath) other).fs == fs && other.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        String joined = String.join("/", names);
        return absolute ? "/" + joined : joined;
    }

    private SliverPath check(Path other) {
        if (!(other instanceof SliverPath) || ((SliverPath) other).fs != fs) {
            throw new ProviderMismatchException("not a path of this sliver's file view: " + other);
        }
        return (SliverPath) other;
    }
}
