package eu.confine.oob.shell.command;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.InvalidSliverRequestException;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverAspect;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;

/** {@code oob:info}: a sliver's record and each aspect's state with its detail. */
@Service
@Command(scope = "oob", name = "info", description = "Shows a sliver's record (container, tmp, phase, keys) and the state of each aspect, with any error.")
public class InfoCommand implements Action {

    @Argument(index = 0, name = "slice-id", required = true, description = "The slice id of a deployed sliver")
    @Completion(SliceIdCompleter.class)
    String sliceId;

    @Reference
    SliverRecords records;

    @Reference
    Containers containers;

    @Reference
    List<SliverAspect> aspects;

    @Override
    public Object execute() throws Exception {
        SliceId id = SliceId.of(sliceId);
        SliverRecord record = records.find(id)
                .orElseThrow(() -> new InvalidSliverRequestException(id.value(), "no such sliver on this node"));
        print(record, System.out);
        return null;
    }

    /** Writes the record and the aspects, one {@code name: value} line each. */
    void print(SliverRecord record, PrintStream out) {
        SliceId id = record.sliceId();
        line(out, "slice", id.value() + " (user " + id.userName() + ")");
        line(out, "container", record.container() + " (running: " + SliverView.running(containers, record.container()) + ")");
        line(out, "tmp", record.tmp().map(Object::toString).orElse("container rootfs /tmp"));
        line(out, "phase", record.phase().name());
        line(out, "admin keys", Integer.toString(record.adminKeys().size()));
        for (SliverAspect aspect : SliverView.sorted(aspects)) {
            SliverAspect.State state = SliverView.inspect(aspect, id);
            line(out, aspect.name(), (state.ok() ? "ok" : "NOT OK") + ": " + state.detail());
        }
    }

    private static void line(PrintStream out, String name, String value) {
        out.printf("%-11s %s%n", name + ":", value);
    }
}
