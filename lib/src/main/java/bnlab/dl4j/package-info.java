/**
 * The "concise" network of the chapter: LeNet with DL4J's own {@code BatchNormalization} layers
 * ({@link bnlab.dl4j.Dl4jLeNet}), trained through the same {@link bnlab.train.Classifier}
 * interface as the scratch network ({@link bnlab.dl4j.Dl4jClassifier}), so notebook 5 can put the
 * two runs side by side on the same batches.
 */
package bnlab.dl4j;
