package eu.confine.oob.shell.command;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import eu.confine.oob.api.SliverRecords;

/** Completes the slice ids of the slivers recorded on this node. */
@Service
public class SliceIdCompleter implements Completer {

    @Reference
    SliverRecords records;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> ids = records.all().stream().map(record -> record.sliceId().value()).toList();
        return new StringsCompleter(ids).complete(session, commandLine, candidates);
    }
}
