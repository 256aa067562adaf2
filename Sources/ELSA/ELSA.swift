@_exported import ELSALinearAlgebra
@_exported import ELSASparse
@_exported import ELSAData
@_exported import ELSAEvaluation
@_exported import ELSAModels
@_exported import ELSATraining
@_exported import ELSASegments
@_exported import ELSAExperiments
