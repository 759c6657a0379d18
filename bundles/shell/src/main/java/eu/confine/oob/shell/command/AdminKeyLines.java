package eu.confine.oob.shell.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;

/** Collects admin key lines from {@code --key} options and a {@code --keys-file}. */
final class AdminKeyLines {

    private AdminKeyLines() {
    }

    /**
     * The key lines of both sources, in order: the {@code --key} values, then the file's lines.
     *
     * @param keys      {@code --key} values, or null
     * @param keysFile  the {@code --keys-file} path, or null; relative to {@code directory}
     * @param directory the directory relative paths start from
     * @throws InvalidSliverRequestException if the file cannot be read or no key is given at all
     */
    static List<String> collect(SliceId sliceId, List<String> keys, String keysFile, Path directory) {
        List<String> lines = new ArrayList<>();
        if (keys != null) {
            keys.stream().map(String::strip).filter(key -> !key.isEmpty()).forEach(lines::add);
        }
        if (keysFile != null) {
            lines.addAll(readFile(sliceId, directory.resolve(keysFile)));
        }
        if (lines.isEmpty()) {
            throw new InvalidSliverRequestException(sliceId.value(), "no admin key given: use --key LINE or --keys-file FILE");
        }
        return lines;
    }

    /** One key per line; blank lines and lines starting with {@code #} are ignored. */
    static List<String> parse(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    private static List<String> readFile(SliceId sliceId, Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new InvalidSliverRequestException(sliceId.value(), "keys file " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidSliverRequestException(sliceId.value(), "cannot read keys file " + file + ": " + e.getMessage());
        }
    }
}
