package eu.confine.oob.api.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;

/** Keeps one properties file per sliver in a root-only directory, replaced atomically on every save. */
@Component(service = SliverRecords.class, configurationPid = "eu.confine.oob.records")
@Designate(ocd = FileSliverRecords.Config.class)
public class FileSliverRecords implements SliverRecords {

    private static final Logger LOG = LoggerFactory.getLogger(FileSliverRecords.class);
    private static final String SUFFIX = ".sliver";

    @ObjectClassDefinition(name = "confine-oob sliver records",
            description = "Where confine-oob keeps what the host cannot tell about each deployed sliver.")
    public @interface Config {
        @AttributeDefinition(name = "Directory", description = "Root-only directory holding one record per deployed sliver.")
        String directory() default "/var/lib/confine-oob/slivers";
    }

    private final Path directory;

    @Activate
    public FileSliverRecords(Config config) {
        this(Path.of(config.directory()));
    }

    public FileSliverRecords(Path directory) {
        if (!directory.isAbsolute()) {
            throw new IllegalArgumentException("records directory must be absolute: " + directory);
        }
        this.directory = directory;
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create records directory " + directory, e);
        }
    }

    @Override
    public synchronized Optional<SliverRecord> find(SliceId sliceId) {
        return read(file(sliceId));
    }

    @Override
    public synchronized List<SliverRecord> all() {
        List<SliverRecord> records = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                read(file).ifPresent(records::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list records in " + directory, e);
        }
        records.sort(Comparator.comparing(SliverRecord::sliceId));
        return records;
    }

    @Override
    public synchronized void save(SliverRecord record) {
        Properties props = new Properties();
        props.setProperty("slice.id", record.sliceId().value());
        props.setProperty("container", record.container());
        record.tmp().ifPresent(tmp -> props.setProperty("tmp", tmp.toString()));
        props.setProperty("phase", record.phase().name());
        List<String> keys = record.adminKeys();
        for (int i = 0; i < keys.size(); i++) {
            props.setProperty("key." + i, keys.get(i));
        }
        Path target = file(record.sliceId());
        Path temp = target.resolveSibling("." + target.getFileName() + ".new");
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                props.store(out, "confine-oob sliver record");
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("slice " + record.sliceId() + ": cannot save record " + target, e);
        }
    }

    @Override
    public synchronized void delete(SliceId sliceId) {
        try {
            Files.deleteIfExists(file(sliceId));
        } catch (IOException e) {
            throw new UncheckedIOException("slice " + sliceId + ": cannot delete record", e);
        }
    }

    private Path file(SliceId sliceId) {
        return directory.resolve(sliceId.value() + SUFFIX);
    }

    private Optional<SliverRecord> read(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read record " + file, e);
        }
        try {
            SliceId sliceId = SliceId.of(props.getProperty("slice.id"));
            List<String> keys = new ArrayList<>();
            for (int i = 0; props.containsKey("key." + i); i++) {
                keys.add(props.getProperty("key." + i));
            }
            String tmp = props.getProperty("tmp");
            return Optional.of(new SliverRecord(sliceId, props.getProperty("container", sliceId.value()),
                    Optional.ofNullable(tmp).map(Path::of), keys,
                    SliverRecord.Phase.valueOf(props.getProperty("phase", "DEPLOYING"))));
        } catch (InvalidSliverRequestException | IllegalArgumentException e) {
            LOG.error("Ignoring unreadable sliver record {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }
}
