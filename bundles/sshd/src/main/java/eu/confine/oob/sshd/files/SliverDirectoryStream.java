package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The entries of a directory of the sliver's tmp, read with {@code getdents64} on its descriptor, a batch per call. */
final class SliverDirectoryStream implements DirectoryStream<Path> {

    private static final int BATCH_BYTES = 32 * 1024;
    private static final int NAME_OFFSET = 19;

    private final SliverTree tree;
    private final NativeFd fd;
    private final Path dir;
    private final Filter<? super Path> filter;
    private boolean iterated;

    SliverDirectoryStream(SliverTree tree, NativeFd fd, Path dir, Filter<? super Path> filter) {
        this.tree = tree;
        this.fd = fd;
        this.dir = dir;
        this.filter = filter;
    }

    @Override
    public synchronized Iterator<Path> iterator() {
        if (iterated || !fd.isOpen()) {
            throw new IllegalStateException("a directory stream is iterated once, while open");
        }
        iterated = true;
        return new Entries();
    }

    @Override
    public void close() {
        fd.close();
    }

    private final class Entries implements Iterator<Path> {
        private final Deque<Path> pending = new ArrayDeque<>();
        private boolean end;

        @Override
        public boolean hasNext() {
            try {
                while (pending.isEmpty() && !end && fd.isOpen()) {
                    fill();
                }
            } catch (IOException e) {
                throw new DirectoryIteratorException(e);
            }
            return !pending.isEmpty();
        }

        @Override
        public Path next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return pending.removeFirst();
        }

        private void fill() throws IOException {
            byte[] batch = new byte[BATCH_BYTES];
            long got = tree.io(fd, number -> LibC.syscall(tree.arch().sysGetdents64, number, batch, batch.length),
                    dir.toString());
            if (got == 0) {
                end = true;
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(batch, 0, (int) got).order(ByteOrder.nativeOrder());
            for (int at = 0; at < got; at += Short.toUnsignedInt(b.getShort(at + 16))) {
                int length = 0;
                while (batch[at + NAME_OFFSET + length] != 0) {
                    length++;
                }
                String name = utf8(batch, at + NAME_OFFSET, length);
                if (name == null || name.equals(".") || name.equals("..")) {
                    continue;
                }
                Path entry = dir.resolve(name);
                if (filter.accept(entry)) {
                    pending.addLast(entry);
                }
            }
        }
    }

    /** The name, or null if it is not UTF-8: such a name could not be asked for again, so it is not listed. */
    private static String utf8(byte[] bytes, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The virtual root's one entry, {@code tmp}. */
    static final class OfRoot implements DirectoryStream<Path> {
        private final List<Path> entries;

        OfRoot(Path tmp, Filter<? super Path> filter) throws IOException {
            this.entries = filter.accept(tmp) ? List.of(tmp) : List.of();
        }

        @Override
        public Iterator<Path> iterator() {
            return entries.iterator();
        }

        @Override
        public void close() {
            // Nothing held.
        }
    }
}
