// The library's surface: the estimators (Estimators.swift) and the declarations below, re-exported from the
// modules that hold them. Everything else (kernels, training steps, file formats) stays in those modules:
// `import ELSASparse`, `import ELSATraining`, ... reach it, as the command-line tool and the benchmarks do.

@_exported import struct ELSALinearAlgebra.DenseMatrix
@_exported import enum ELSALinearAlgebra.BLASThreads

@_exported import struct ELSASparse.CSRMatrix

@_exported import enum _ELSASupport.DataError
@_exported import struct _ELSASupport.SeededGenerator

@_exported import enum ELSAData.DataFormat
@_exported import struct ELSAData.InteractionDataset
@_exported import struct ELSAData.ReaderOptions
@_exported import struct ELSAData.PreprocessingOptions
@_exported import struct ELSAData.PreprocessingReport
@_exported import struct ELSAData.SyntheticConfiguration
@_exported import enum ELSAData.SyntheticData
@_exported import struct ELSAData.SyntheticDataset
@_exported import enum ELSAData.InteractionReader
@_exported import enum ELSAData.InteractionCache
@_exported import enum ELSAData.FieldSeparator

@_exported import protocol ELSAEvaluation.Recommender
@_exported import func ELSAEvaluation.recommend
@_exported import struct ELSAEvaluation.Evaluator
@_exported import struct ELSAEvaluation.EvaluationResult
@_exported import struct ELSAEvaluation.EvaluationFolds
@_exported import struct ELSAEvaluation.StrongGeneralizationSplit
@_exported import enum ELSAEvaluation.RankingMetric
@_exported import enum ELSAEvaluation.PublishedSplitMetrics
@_exported import enum ELSAEvaluation.EvaluationError

@_exported import struct ELSAModels.ELSAModel
@_exported import enum ELSAModels.ItemEmbedding
@_exported import enum ELSAModels.ModelFile
@_exported import enum ELSAModels.ModelFileError

@_exported import struct ELSATraining.TrainingConfiguration
@_exported import struct ELSATraining.EpochReport
@_exported import protocol ELSATraining.TrainingObserver
@_exported import enum ELSATraining.Activation
@_exported import enum ELSATraining.Initialization
@_exported import struct ELSATraining.SparsificationSchedule
@_exported import struct ELSATraining.TrainingFailure
@_exported import class ELSATraining.DenseELSATrainer
@_exported import class ELSATraining.CompressedELSATrainer
@_exported import struct ELSATraining.NadamConfiguration
@_exported import struct ELSATraining.PatternRegrowth
@_exported import struct ELSATraining.StageLearningRateDecay
@_exported import struct ELSATraining.StageWeightAveraging
@_exported import enum ELSATraining.CheckpointError

@_exported import struct ELSABaselines.EASE
@_exported import struct ELSABaselines.PopularityRecommender
@_exported import class ELSABaselines.CompresSAE
@_exported import struct ELSABaselines.CompresSAEConfiguration

@_exported import struct ELSASegments.InvertedIndex
@_exported import struct ELSASegments.Segmentation
@_exported import struct ELSASegments.Segment
@_exported import struct ELSASegments.SegmentationOptions
@_exported import struct ELSASegments.SignedLatent
@_exported import struct ELSASegments.ItemMetadata
@_exported import struct ELSASegments.SegmentReport
@_exported import struct ELSASegments.SegmentRecommender

@_exported import struct ELSAExperiments.TrainingRecipe
@_exported import struct ELSAExperiments.DataRecipe
@_exported import struct ELSAExperiments.RecipeError
@_exported import class ELSAExperiments.TrainingRun
@_exported import struct ELSAExperiments.TrainingOutcome
@_exported import protocol ELSAExperiments.TrainingRunObserver
@_exported import struct ELSAExperiments.TrainingRunError
@_exported import struct ELSAExperiments.Experiment
@_exported import struct ELSAExperiments.ExperimentReport
@_exported import enum ELSAExperiments.ReportValue
@_exported import struct ELSAExperiments.PlatformDescription
@_exported import enum ELSAExperiments.EngineVersion
@_exported import struct ELSAExperiments.RunETA
@_exported import struct ELSAExperiments.DatasetSource
@_exported import struct ELSAExperiments.LoadedDataset
@_exported import struct ELSAExperiments.PublishedSplit
@_exported import class ELSAExperiments.BenchStudy
@_exported import struct ELSAExperiments.BenchPreset
@_exported import struct ELSAExperiments.BenchRun
@_exported import enum ELSAExperiments.BenchError
@_exported import enum ELSAExperiments.ModelExport
@_exported import enum ELSAExperiments.ModelImport
@_exported import enum ELSAExperiments.SplitExport
