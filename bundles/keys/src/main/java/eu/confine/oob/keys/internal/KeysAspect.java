package eu.confine.oob.keys.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverAspect;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;

/** The {@code keys} aspect of a sliver: whether its {@code authorized_keys} is exactly what its record asks for. */
@Component(service = SliverAspect.class, configurationPid = "eu.confine.oob.keys")
public class KeysAspect implements SliverAspect {

    private final SliverRecords records;
    private final AuthorizedKeysFile file;
    private final KeyRules rules = new KeyRules();

    @Activate
    public KeysAspect(@Reference(name = "records") SliverRecords records, KeysConfig config) {
        this(records, new AuthorizedKeysFile(Path.of(config.homeBase())));
    }

    KeysAspect(SliverRecords records, AuthorizedKeysFile file) {
        this.records = records;
        this.file = file;
    }

    @Override
    public String name() {
        return "keys";
    }

    @Override
    public State inspect(SliceId sliceId) {
        Path path = file.path(sliceId);
        Optional<AuthorizedKeysFile.Snapshot> found;
        try {
            found = file.read(sliceId);
        } catch (IOException e) {
            return new State(false, "error", "cannot read " + path + ": " + e);
        }
        if (found.isEmpty()) {
            return new State(false, "none", path + " is missing");
        }
        AuthorizedKeysFile.Snapshot now = found.get();
        List<String> lines = now.content() == null ? List.of() : keyLines(now.content());
        List<String> problems = new ArrayList<>();
        if (now.content() == null) {
            problems.add("not a regular file of at most " + AuthorizedKeysFile.MAX_SIZE + " bytes");
        }
        if (!AuthorizedKeysFile.OWNER.equals(now.owner())) {
            problems.add("owner " + now.owner() + " (want " + AuthorizedKeysFile.OWNER + ")");
        }
        if (!sliceId.userName().equals(now.group())) {
            problems.add("group " + now.group() + " (want " + sliceId.userName() + ")");
        }
        if (!AuthorizedKeysFile.MODE.equals(now.mode())) {
            problems.add("mode " + octal(now.mode()) + " (want " + octal(AuthorizedKeysFile.MODE) + ")");
        }
        Optional<SliverRecord> record = records.find(sliceId);
        if (record.isEmpty()) {
            problems.add("no sliver record");
        } else if (now.content() != null) {
            List<String> wanted = rules.check(record.get().adminKeys()).accepted();
            if (!AuthorizedKeysFile.render(wanted).equals(now.content())) {
                long missing = wanted.stream().filter(line -> !lines.contains(line)).count();
                long extra = lines.stream().filter(line -> !wanted.contains(line)).count();
                problems.add("content differs from the record's " + wanted.size() + " key(s): " + missing
                        + " missing, " + extra + " extra, or order or layout differs");
            }
        }
        String summary = String.valueOf(lines.size());
        if (problems.isEmpty()) {
            return new State(true, summary, lines.size() + " key(s) in " + path + ", " + AuthorizedKeysFile.OWNER + ":"
                    + sliceId.userName() + " " + octal(AuthorizedKeysFile.MODE) + ", as recorded");
        }
        return new State(false, summary, path + ": " + String.join("; ", problems));
    }

    private static List<String> keyLines(String content) {
        return content.lines().filter(line -> !line.isBlank() && !line.strip().startsWith("#")).toList();
    }

    static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission permission : mode) {
            bits |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", bits);
    }
}
