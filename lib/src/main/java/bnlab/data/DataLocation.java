package bnlab.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the four files were found: one path per file, and the source, for printing and for
 * choosing the right fix when a file turns out to be damaged.
 */
public record DataLocation(Origin origin, Path directory, String description, Map<DataFile, Path> files) {

    /** The kinds of source, in the order the locator tries them. */
    public enum Origin {
        NAMED_DIR("replace this file with a good copy, or unset bnlab.data.dir / BNLAB_DATA_DIR "
                + "to let BN Lab use its other sources"),
        CACHE("delete it and run again: it will be downloaded again"),
        SYSTEM("reinstall the package (sudo apt-get install --reinstall dataset-fashion-mnist), "
                + "or set BNLAB_DATA_DIR to a folder with good copies of the four files"),
        DOWNLOAD("delete it and run again: it will be downloaded again");

        private final String fixForBadFile;

        Origin(String fixForBadFile) {
            this.fixForBadFile = fixForBadFile;
        }

        /** What to do when a file from this source is damaged. */
        public String fixForBadFile() {
            return fixForBadFile;
        }
    }

    public DataLocation {
        files = Map.copyOf(files);
    }

    /** The path of one of the four files. */
    public Path path(DataFile file) {
        Path path = files.get(file);
        if (path == null) throw new IllegalArgumentException("no file for " + file.name());
        return path;
    }

    @Override
    public String toString() {
        return description;
    }
}
