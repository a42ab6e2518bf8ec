package bnlab.data;

import java.nio.file.Path;

/**
 * The data could not be found, downloaded or read. The message says which file (or URL), what
 * is wrong, and how to fix it, so a notebook user can act on it without reading code.
 */
public class DataFileException extends RuntimeException {

    private final transient Path file;
    private final String problem;
    private final String fix;
    private final boolean unreadable;

    /**
     * @param file    the file concerned (full path), or null when the problem is not one file's
     * @param problem what is wrong, as one sentence without the file name
     * @param fix     what the user should do
     */
    public DataFileException(Path file, String problem, String fix, Throwable cause) {
        this(file, problem, fix, cause, false);
    }

    private DataFileException(Path file, String problem, String fix, Throwable cause, boolean unreadable) {
        super(format(file, problem, fix), cause);
        this.file = file;
        this.problem = problem;
        this.fix = fix;
        this.unreadable = unreadable;
    }

    /** The file exists but cannot be read: its content is not the problem, access is. */
    static DataFileException unreadable(Path file, String problem, String fix, Throwable cause) {
        return new DataFileException(file, problem, fix, cause, true);
    }

    /** True when the file could not be read at all (permissions, a folder, a disk error), false when its content is wrong. */
    public boolean unreadable() {
        return unreadable;
    }

    public DataFileException(Path file, String problem, String fix) {
        this(file, problem, fix, null);
    }

    /** The file concerned, or null. */
    public Path file() {
        return file;
    }

    public String problem() {
        return problem;
    }

    public String fix() {
        return fix;
    }

    /**
     * The same problem with another fix: the caller knows better where the file came from. A file
     * that cannot be read keeps its fix (make it readable): replacing it would not help.
     */
    public DataFileException withFix(String betterFix) {
        return unreadable ? this : new DataFileException(file, problem, betterFix, this);
    }

    private static String format(Path file, String problem, String fix) {
        String where = file == null ? "" : file.toAbsolutePath() + ": ";
        return where + problem + "\nFix: " + fix;
    }
}
