package eu.confine.oob.shell.command;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.Test;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverAspect;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;

public class InspectionCommandsTest {

    private final MemoryRecords records = new MemoryRecords();
    /** Only the run state, so the fake stays valid while the adapter interface grows. */
    private final Containers containers = (Containers) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Containers.class}, (proxy, method, args) -> {
                if (!method.getName().equals("isRunning")) {
                    throw new UnsupportedOperationException(method.toString());
                }
                String name = (String) args[0];
                if (name.equals("broken")) {
                    throw new IllegalStateException("lxc-info failed");
                }
                return name.startsWith("up");
            });
    private final List<SliverAspect> aspects = List.of(
            aspect("user", id -> new SliverAspect.State(true, "yes", "user " + id.userName() + " in group sliver")),
            aspect("mount", id -> {
                throw new IllegalStateException("cannot read /proc/self/mountinfo");
            }),
            aspect("keys", id -> new SliverAspect.State(id.value().equals("alpha"), id.value().equals("alpha") ? "2" : "0",
                    "authorized_keys holds " + (id.value().equals("alpha") ? 2 : 0) + " keys")));

    @Test
    public void listHasOneColumnPerAspectSortedAndOneRowPerRecord() {
        records.save(record("beta", "up-beta", SliverRecord.Phase.DEPLOYING));
        records.save(record("alpha", "alpha", SliverRecord.Phase.READY));
        ListCommand list = new ListCommand();
        list.records = records;
        list.containers = containers;
        list.aspects = aspects;

        assertThat(lines(out -> list.table().print(out)), contains(
                "Slice id | Container | Running | keys | mount | user",
                "---------+-----------+---------+------+-------+-----",
                "alpha    | alpha     | no      | 2    | error | yes",
                "beta     | up-beta   | yes     | 0    | error | yes"));
    }

    @Test
    public void listWithoutSliversOrAspectsIsJustTheHeader() {
        ListCommand list = new ListCommand();
        list.records = records;
        list.containers = containers;
        assertThat(lines(out -> list.table().print(out)), contains("Slice id | Container | Running", "---------+-----------+--------"));
    }

    @Test
    public void infoShowsRecordAndEachAspectWithItsError() {
        records.save(new SliverRecord(SliceId.of("000000000042"), "broken", Optional.of(Path.of("/srv/tmp42")),
                List.of("k1", "k2", "k3"), SliverRecord.Phase.REMOVING));
        InfoCommand info = new InfoCommand();
        info.records = records;
        info.containers = containers;
        info.aspects = aspects;
        assertThat(lines(out -> info.print(records.all().get(0), out)), contains(
                "slice:      000000000042 (user slice000000000042)",
                "container:  broken (running: error: lxc-info failed)",
                "tmp:        /srv/tmp42",
                "phase:      REMOVING",
                "admin keys: 3",
                "keys:       NOT OK: authorized_keys holds 0 keys",
                "mount:      NOT OK: cannot read: cannot read /proc/self/mountinfo",
                "user:       ok: user slice000000000042 in group sliver"));
    }

    @Test
    public void infoOfAnUnknownSliceIsOneLineError() {
        InfoCommand info = new InfoCommand();
        info.records = records;
        info.sliceId = "nosuchslice";
        InvalidSliverRequestException e = assertThrows(InvalidSliverRequestException.class, info::execute);
        assertThat(e.getMessage(), is("slice nosuchslice: no such sliver on this node"));
    }

    private static SliverRecord record(String id, String container, SliverRecord.Phase phase) {
        return new SliverRecord(SliceId.of(id), container, Optional.empty(), List.of("key"), phase);
    }

    private static SliverAspect aspect(String name, java.util.function.Function<SliceId, SliverAspect.State> inspect) {
        return new SliverAspect() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public State inspect(SliceId sliceId) {
                return inspect.apply(sliceId);
            }
        };
    }

    private static List<String> lines(java.util.function.Consumer<PrintStream> printer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        printer.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().map(String::stripTrailing).toList();
    }

    /** Records in memory, in slice-id order. */
    static final class MemoryRecords implements SliverRecords {
        private final Map<SliceId, SliverRecord> records = new TreeMap<>();

        @Override
        public Optional<SliverRecord> find(SliceId sliceId) {
            return Optional.ofNullable(records.get(sliceId));
        }

        @Override
        public List<SliverRecord> all() {
            return List.copyOf(records.values());
        }

        @Override
        public void save(SliverRecord record) {
            records.put(record.sliceId(), record);
        }

        @Override
        public void delete(SliceId sliceId) {
            records.remove(sliceId);
        }
    }
}
