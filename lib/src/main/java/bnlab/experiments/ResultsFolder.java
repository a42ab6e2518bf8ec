package bnlab.experiments;

import bnlab.train.LibraryBuild;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where an experiment's CSV file goes: {@code build/results/NOTEBOOK/EXPERIMENT.csv} of the
 * project ({@code BNLAB_RESULTS_DIR} or system property {@code bnlab.results.dir} for another
 * folder than {@code build/results}). NOTEBOOK is the notebook's file name without
 * {@code .ipynb}: JupyterLab tells the kernel its notebook ({@code JPY_SESSION_NAME}), and so does
 * the course's runner; {@code BNLAB_NOTEBOOK} (or {@code bnlab.notebook}) names it elsewhere, else
 * it is "notebook". Both editions of a notebook share a name, and so a folder: their runs are the
 * same.
 */
final class ResultsFolder {

    private ResultsFolder() {}

    static Path csv(String experiment) {
        return root().resolve(notebook()).resolve(experiment + ".csv");
    }

    static Path root() {
        String dir = setting("bnlab.results.dir", "BNLAB_RESULTS_DIR");
        if (dir != null) {
            return Path.of(dir).toAbsolutePath();
        }
        Path project = LibraryBuild.projectRoot();
        return (project != null ? project : Path.of("").toAbsolutePath())
                .resolve("build")
                .resolve("results");
    }

    static String notebook() {
        String name = setting("bnlab.notebook", "BNLAB_NOTEBOOK");
        if (name == null) {
            name = setting("jpy.session.name", "JPY_SESSION_NAME");
        }
        if (name == null) {
            return "notebook";
        }
        String file = Path.of(name).getFileName().toString();
        return file.toLowerCase(Locale.ROOT).endsWith(".ipynb") ? file.substring(0, file.length() - 6) : file;
    }

    /** The path as a reader finds it: relative to the project folder when inside it. */
    static String shown(Path file) {
        Path project = LibraryBuild.projectRoot();
        Path f = file.toAbsolutePath().normalize();
        return project != null && f.startsWith(project) ? project.relativize(f).toString() : f.toString();
    }

    private static String setting(String property, String variable) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(variable);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }
}
