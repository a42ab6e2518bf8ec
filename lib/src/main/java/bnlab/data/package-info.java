/**
 * Fashion-MNIST for the notebooks: find the four IDX files, download and verify them when they
 * are missing, read them, and serve shuffled mini-batches as ND4J arrays.
 *
 * <p>The entry point is {@link bnlab.data.FashionMnist#load()}. Where the files come from is
 * decided by {@link bnlab.data.FashionMnistLocator} (a folder you name, the user cache, the Debian
 * package {@code dataset-fashion-mnist}, then a download). Every file is identified by the
 * SHA-256 of its <em>decompressed</em> bytes, because re-compressed copies (Debian's) have other
 * {@code .gz} checksums than the official ones; only a download is checked against the official
 * {@code .gz} MD5. Every failure is a {@link bnlab.data.DataFileException} that names the file,
 * the problem and the fix.
 */
package bnlab.data;
