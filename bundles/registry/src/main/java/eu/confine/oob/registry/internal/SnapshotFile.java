package eu.confine.oob.registry.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;

/**
 * The persisted {@link Snapshot}: one JSON file, root-only, replaced atomically (temp file, fsync,
 * rename), so a crash leaves the old or the new snapshot, never a torn one.
 */
final class SnapshotFile {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFile.class);
    private static final int FORMAT = 1;

    private final Path file;
    private final ObjectMapper mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    SnapshotFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /**
     * The snapshot of this node resource, if the file holds one; a snapshot of another registry or
     * node, or an unreadable file, is logged and ignored.
     */
    Optional<Snapshot> load(URI registry) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.error("Registry snapshot {} cannot be read, ignored: {}", file, e.getMessage());
            return Optional.empty();
        }
        try {
            Snapshot snapshot = parse(mapper.readTree(bytes));
            if (!snapshot.registry().equals(registry)) {
                LOG.warn("Registry snapshot {} is of {}, not of {}: ignored", file, snapshot.registry(), registry);
                return Optional.empty();
            }
            return Optional.of(snapshot);
        } catch (IOException | RuntimeException e) {
            LOG.error("Registry snapshot {} is not valid, ignored: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Replaces the file with this snapshot, atomically. */
    void save(Snapshot snapshot) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path temp = directory.resolve("." + file.getFileName() + ".new");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(json(snapshot))));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private ObjectNode json(Snapshot snapshot) {
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("registry", snapshot.registry().toString());
        root.put("fetchedAt", snapshot.fetchedAt().toString());
        ArrayNode slivers = root.putArray("slivers");
        for (DesiredSliver sliver : snapshot.slivers()) {
            ObjectNode entry = slivers.addObject();
            entry.put("slice", sliver.sliceId().value());
            entry.put("container", sliver.container());
            ArrayNode keys = entry.putArray("keys");
            sliver.keys().forEach(keys::add);
        }
        return root;
    }

    private static Snapshot parse(JsonNode root) {
        if (root == null || root.path("format").asInt() != FORMAT) {
            throw new IllegalArgumentException("not a format " + FORMAT + " registry snapshot");
        }
        List<DesiredSliver> slivers = new ArrayList<>();
        for (JsonNode entry : array(root, "slivers")) {
            List<String> keys = new ArrayList<>();
            for (JsonNode key : array(entry, "keys")) {
                keys.add(text(key, "key"));
            }
            try {
                SliceId sliceId = SliceId.of(text(entry.get("slice"), "slice"));
                String container = Containers.requireValidName(sliceId.value(), text(entry.get("container"), "container"));
                slivers.add(new DesiredSliver(sliceId, container, keys));
            } catch (InvalidSliverRequestException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        try {
            return new Snapshot(URI.create(text(root.get("registry"), "registry")), Instant.parse(text(root.get("fetchedAt"), "fetchedAt")), slivers);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("fetchedAt is not an instant: " + e.getMessage(), e);
        }
    }

    private static JsonNode array(JsonNode object, String name) {
        JsonNode value = object.get(name);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("'" + name + "' is not an array");
        }
        return value;
    }

    private static String text(JsonNode value, String name) {
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + name + "' is not a string");
        }
        return value.textValue();
    }
}
