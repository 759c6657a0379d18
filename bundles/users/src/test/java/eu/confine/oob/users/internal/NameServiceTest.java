package eu.confine.oob.users.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.Test;

import eu.confine.oob.api.host.HostCommand;

/** The in-process lookups give exactly what getent and id print, for every account of this host. */
public class NameServiceTest {

    @Test
    public void everyUserAndItsGroupsAsGetentAndIdSeeThem() {
        List<String> lines = HostCommand.of("getent", "passwd").check().lines().toList();
        assertTrue(lines.size() > 1);
        for (String line : lines) {
            String[] fields = line.split(":", -1);
            NameService.Passwd entry = NameService.user(fields[0]).orElseThrow();
            assertEquals(line, new NameService.Passwd(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), fields[5],
                    fields[6]), entry);
            String ids = Arrays.stream(NameService.groupIds(fields[0], entry.gid())).sorted()
                    .mapToObj(Integer::toString).collect(Collectors.joining(" "));
            String expected = Arrays.stream(HostCommand.of("id", "-G", "--", fields[0]).check().strip().split("\\s+"))
                    .mapToInt(Integer::parseInt).sorted().mapToObj(Integer::toString).collect(Collectors.joining(" "));
            assertEquals(fields[0], expected, ids);
            assertEquals(fields[0], HostCommand.of("getent", "shadow", fields[0]).check().split(":", -1)[1],
                    NameService.shadowPassword(fields[0]).orElseThrow());
        }
    }

    @Test
    public void everyGroupByNameAndById() {
        for (String line : HostCommand.of("getent", "group").check().lines().toList()) {
            String[] fields = line.split(":", -1);
            NameService.Group group = new NameService.Group(fields[0], Integer.parseInt(fields[2]));
            assertEquals(Optional.of(group), NameService.group(fields[0]));
            assertEquals(fields[0], HostCommand.of("getent", "group", fields[2]).check().split(":", -1)[0],
                    NameService.group(group.gid()).orElseThrow().name());
        }
    }

    @Test
    public void unknownNamesAreEmpty() {
        assertEquals(Optional.empty(), NameService.user("no-such-user-oob"));
        assertEquals(Optional.empty(), NameService.group("no-such-group-oob"));
        assertEquals(Optional.empty(), NameService.group(2_000_000_000));
        assertEquals(Optional.empty(), NameService.shadowPassword("no-such-user-oob"));
    }
}
