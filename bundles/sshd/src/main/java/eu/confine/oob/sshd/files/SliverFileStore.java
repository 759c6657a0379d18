package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/** The file system under the sliver's tmp, as {@code statvfs} reports it. */
final class SliverFileStore extends FileStore {

    private final SliverTree tree;

    SliverFileStore(SliverTree tree) {
        this.tree = tree;
    }

    @Override
    public String name() {
        return "tmp";
    }

    @Override
    public String type() {
        return "sliver-tmp";
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public long getTotalSpace() throws IOException {
        long[] v = tree.statvfs();
        return v[2] * v[1];
    }

    @Override
    public long getUsableSpace() throws IOException {
        long[] v = tree.statvfs();
        return v[4] * v[1];
    }

    @Override
    public long getUnallocatedSpace() throws IOException {
        long[] v = tree.statvfs();
        return v[3] * v[1];
    }

    @Override
    public long getBlockSize() throws IOException {
        return tree.statvfs()[0];
    }

    @Override
    public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
        return SliverAttributeView.supports(type);
    }

    @Override
    public boolean supportsFileAttributeView(String name) {
        return SliverFileSystem.VIEWS.contains(name);
    }

    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
        return null;
    }

    @Override
    public Object getAttribute(String attribute) {
        throw new UnsupportedOperationException("file store attribute " + attribute);
    }
}
