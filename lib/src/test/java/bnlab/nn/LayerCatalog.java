package bnlab.nn;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One example of every kind of layer in {@code bnlab.nn}, with an input shape it accepts: the
 * tests that must hold for every layer (used twice, wrong dY, empty batch, NaN input, ...) loop
 * over it, and {@link #uncatalogued()} makes a new layer class fail those tests until it is here.
 */
final class LayerCatalog {

    /** A layer to make (a new instance per call) and an input it takes. */
    record Entry(String name, Supplier<Layer> make, long... inputShape) {
        @Override
        public String toString() {
            return name;
        }
    }

    private LayerCatalog() {}

    static List<Entry> all() {
        return List.of(
                new Entry("Conv2d", () -> new Conv2d(2, 3, 3, Init.seeded(1)), 4, 2, 6, 6),
                new Entry("Linear", () -> new Linear(5, 3, true, Init.seeded(2)), 4, 5),
                new Entry("Linear without bias", () -> new Linear(5, 3, false, Init.seeded(2)), 4, 5),
                new Entry("Sigmoid", Sigmoid::new, 4, 2, 3, 3),
                new Entry("ReLU", ReLU::new, 4, 2, 3, 3),
                new Entry("AvgPool2d", () -> new AvgPool2d(2, 2), 4, 2, 6, 6),
                new Entry("MaxPool2d", () -> new MaxPool2d(2, 2), 4, 2, 6, 6),
                new Entry("Flatten", Flatten::new, 4, 2, 3, 3),
                new Entry("Dropout", () -> new Dropout(0.3, Init.seeded(3)), 4, 2, 3, 3),
                new Entry("ShiftingNoise", () -> new ShiftingNoise(0.5, 2, Init.seeded(4)), 4, 2, 3, 3),
                new Entry("BatchNorm 2-D", () -> new BatchNorm(3, 2), 4, 3),
                new Entry("BatchNorm 4-D", () -> new BatchNorm(2, 4), 4, 2, 3, 3),
                new Entry("BatchNorm mean only", () -> BatchNorm.meanOnly(2, 4), 4, 2, 3, 3),
                new Entry("BatchNorm variance only", () -> BatchNorm.varianceOnly(2, 4), 4, 2, 3, 3),
                new Entry("BatchNorm frozen", () -> new BatchNorm(2, 4).frozenAffine(), 4, 2, 3, 3),
                new Entry("GhostBatchNorm", () -> new GhostBatchNorm(2, 4, 2), 4, 2, 3, 3),
                new Entry("BatchRenorm", () -> new BatchRenorm(2, 4), 4, 2, 3, 3),
                new Entry("LayerNorm", () -> new LayerNorm(2, 3, 3), 4, 2, 3, 3),
                new Entry("RMSNorm", () -> new RMSNorm(2, 3, 3), 4, 2, 3, 3),
                new Entry("GroupNorm", () -> new GroupNorm(1, 2), 4, 2, 3, 3),
                new Entry("InstanceNorm", () -> new InstanceNorm(2), 4, 2, 3, 3),
                new Entry(
                        "Sequential",
                        () -> new Sequential(new Linear(5, 3, true, Init.seeded(5)), new Sigmoid()),
                        4,
                        5));
    }

    /** The normalization layers among {@link #all()}. */
    static List<Entry> normalizations() {
        return all().stream()
                .filter(e -> e.make().get() instanceof NormalizationLayer)
                .toList();
    }

    /**
     * Public, concrete classes of {@code bnlab.nn} that implement {@link Layer} but have no entry:
     * every test over the catalog fails for them until one is added.
     */
    static Set<String> uncatalogued() throws IOException, ClassNotFoundException {
        Set<String> covered = new TreeSet<>();
        for (Entry e : all()) {
            covered.add(e.make().get().getClass().getName());
        }
        Path dir = Path.of(Layer.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .resolve("bnlab/nn");
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.contains("$")) {
                    continue;
                }
                Class<?> c = Class.forName("bnlab.nn." + file.substring(0, file.length() - 6));
                if (Layer.class.isAssignableFrom(c)
                        && !c.isInterface()
                        && Modifier.isPublic(c.getModifiers())
                        && !Modifier.isAbstract(c.getModifiers())
                        && !covered.contains(c.getName())) {
                    missing.add(c.getName());
                }
            }
        }
        return missing;
    }
}
