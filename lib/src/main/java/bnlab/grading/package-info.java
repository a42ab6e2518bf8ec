/**
 * What the course's graded assignment ({@code notebooks/assignments/}) checks a student's work
 * against: PyTorch's batch-norm cases ({@link bnlab.grading.TorchCases}).
 */
package bnlab.grading;
