package eu.confine.oob.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.Row;
import org.apache.karaf.shell.support.table.ShellTable;

import eu.confine.oob.api.Containers;
import eu.confine.oob.api.SliverAspect;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;

/** {@code oob:list}: one row per recorded sliver, one column per aspect, read from the host now. */
@Service
@Command(scope = "oob", name = "list", description = "Lists the slivers of this node with their container, run state and each aspect (user, keys, mount).")
public class ListCommand implements Action {

    @Reference
    SliverRecords records;

    @Reference
    Containers containers;

    @Reference
    List<SliverAspect> aspects;

    @Override
    public Object execute() throws Exception {
        table().print(System.out);
        return null;
    }

    /** The table of every sliver. */
    ShellTable table() {
        List<SliverAspect> columns = SliverView.sorted(aspects);
        ShellTable table = new ShellTable();
        table.column("Slice id");
        table.column("Container");
        table.column("Running");
        columns.forEach(aspect -> table.column(aspect.name()));
        for (SliverRecord record : records.all()) {
            Row row = table.addRow();
            row.addContent(record.sliceId().value(), record.container(), SliverView.running(containers, record.container()));
            columns.forEach(aspect -> row.addContent(SliverView.inspect(aspect, record.sliceId()).summary()));
        }
        return table;
    }
}
