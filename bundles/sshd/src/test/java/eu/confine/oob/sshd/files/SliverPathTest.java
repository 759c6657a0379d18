package eu.confine.oob.sshd.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.util.List;

import org.junit.Test;

/** The lexical root: what a client's path names, before the kernel is asked anything. */
public class SliverPathTest {

    // No tree is needed for lexical work: the file system is only the paths' owner here.
    private final SliverFileSystem fs = new SliverFileSystem(null, closed -> { });

    private List<String> names(String path) throws NoSuchFileException {
        return fs.getPath(path).tmpNames();
    }

    @Test
    public void relativePathsStartAtTheRootThatHoldsTmp() throws Exception {
        assertEquals(List.of("x"), names("tmp/x"));
        assertEquals(List.of("a", "b"), names("/tmp//a/./b/"));
        assertEquals(List.of(), names("tmp"));
        assertNull("the virtual root", names(""));
        assertNull(names("/"));
        assertNull(names("."));
    }

    @Test
    public void dotDotNeverClimbsAboveTheRoot() throws Exception {
        assertEquals(List.of("x"), names("/../../../tmp/x"));
        assertEquals(List.of("x"), names("tmp/../../tmp/x"));
        assertNull(names("tmp/.."));
        assertThrows(NoSuchFileException.class, () -> names("tmp/../../etc/shadow"));
        assertThrows(NoSuchFileException.class, () -> names("/home"));
        assertThrows(NoSuchFileException.class, () -> names(".ssh/authorized_keys"));
        assertThrows(NoSuchFileException.class, () -> names("tmp/../.ssh"));
    }

    @Test
    public void nulAndOverlongNamesAreRefused() {
        assertThrows(InvalidPathException.class, () -> fs.getPath("tmp/a\0b"));
        assertThrows(InvalidPathException.class, () -> fs.getPath("tmp/" + "n".repeat(256)));
        assertThrows(InvalidPathException.class, () -> fs.getPath("tmp/" + "d/".repeat(2100)));
        assertEquals(List.of("n".repeat(255)), List.of(fs.getPath("tmp/" + "n".repeat(255)).getFileName().toString()));
    }

    @Test
    public void pathAlgebraIsPlainUnix() {
        SliverPath p = fs.getPath("/tmp/a/b");
        assertEquals("/tmp/a", p.getParent().toString());
        assertEquals("b", p.getFileName().toString());
        assertEquals("/tmp/a/b/c", p.resolve("c").toString());
        assertEquals("/etc", p.resolve("/etc").toString());
        assertEquals("../c", fs.getPath("/tmp/a/b").relativize(fs.getPath("/tmp/a/c")).toString());
        assertEquals("/tmp/a/c", p.resolveSibling("c").toString());
        assertEquals("/", fs.getPath("tmp").toAbsolutePath().getParent().toString());
        assertNull(fs.getPath("/").getParent());
    }
}
