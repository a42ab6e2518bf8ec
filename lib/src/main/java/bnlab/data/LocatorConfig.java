package bnlab.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where {@link FashionMnistLocator} looks, resolved from system properties (which win) and
 * environment variables.
 *
 * @param dataDir   a folder the user names ({@code bnlab.data.dir} / {@code BNLAB_DATA_DIR}), or null
 * @param cacheDir  BN Lab's download cache: {@code fashion-mnist/} in BN Lab's cache folder
 *                  ({@code bnlab.cache.dir} / {@code BNLAB_CACHE_DIR}, which also keeps finished
 *                  training runs in {@code runs/}, see {@code bnlab.train.RunCache}), else
 *                  {@code $XDG_CACHE_HOME/bnlab/fashion-mnist}, else {@code ~/.cache/bnlab/fashion-mnist}
 * @param systemDir where the Debian package {@code dataset-fashion-mnist} installs the files
 * @param mirror    base URL to download from ({@code bnlab.data.mirror} / {@code BNLAB_DATA_MIRROR});
 *                  null when set to {@code off}, which disables downloading
 */
public record LocatorConfig(Path dataDir, Path cacheDir, Path systemDir, URI mirror) {

    public static final URI OFFICIAL_MIRROR = URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The folder of BN Lab's cache folder that keeps the downloaded files. */
    public static final String DOWNLOADS = "fashion-mnist";

    /** The configuration of this JVM: its system properties and environment. */
    public static LocatorConfig fromEnvironment() {
        return from(System.getenv(), System.getProperties());
    }

    /** The configuration these settings describe; {@code user.home} is read from {@code props}. */
    public static LocatorConfig from(Map<String, String> env, Properties props) {
        String dataDir = setting("bnlab.data.dir", "BNLAB_DATA_DIR", env, props);
        String cacheDir = setting("bnlab.cache.dir", "BNLAB_CACHE_DIR", env, props);
        String mirror = setting("bnlab.data.mirror", "BNLAB_DATA_MIRROR", env, props);
        return new LocatorConfig(
                dataDir == null ? null : Path.of(dataDir),
                cacheDir != null ? Path.of(cacheDir).resolve(DOWNLOADS) : defaultCache(env, props),
                DEBIAN_DIR,
                mirror == null ? OFFICIAL_MIRROR : isOff(mirror) ? null : URI.create(mirror));
    }

    private static Path defaultCache(Map<String, String> env, Properties props) {
        String xdg = env.get("XDG_CACHE_HOME");
        // The XDG spec says a relative value is invalid and must be ignored.
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(props.getProperty("user.home"), ".cache");
        return base.resolve("bnlab").resolve(DOWNLOADS);
    }

    private static boolean isOff(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return v.equals("off") || v.equals("none") || v.equals("false");
    }

    private static String setting(String property, String variable, Map<String, String> env, Properties props) {
        String value = props.getProperty(property);
        if (value == null || value.isBlank()) value = env.get(variable);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
