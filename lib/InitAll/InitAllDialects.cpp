//===- InitAllDialects.cpp - Everything the cim tools register --------------===//

#include "cim/InitAllDialects.h"
#include "cim/Dialect/CIM/CIMDialect.h"
#include "cim/Dialect/CIM/Passes.h"
#include "cim/Dialect/Xbar/Passes.h"
#include "cim/Dialect/Xbar/XbarDialect.h"
#include "cim/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void cim::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<cim::CIMDialect, cim::xbar::XbarDialect>();
  registry.insert<mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
                  mlir::tensor::TensorDialect, mlir::arith::ArithDialect,
                  mlir::math::MathDialect, mlir::tosa::TosaDialect,
                  mlir::scf::SCFDialect, mlir::affine::AffineDialect,
                  mlir::memref::MemRefDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::ml_program::MLProgramDialect>();
  mlir::func::registerInlinerExtension(registry);
}

void cim::registerAllPasses() {
  cim::registerCIMPasses();
  cim::registerCIMArchPipeline();
  cim::xbar::registerXbarPasses();
  cim::registerCIMPipeline();

  mlir::registerTransformsPasses();
  mlir::registerLinalgPasses();
  mlir::arith::registerArithPasses();
  mlir::func::registerFuncPasses();
  mlir::tensor::registerTensorPasses();
  mlir::bufferization::registerBufferizationPasses();
  mlir::tosa::registerTosaPasses();
  mlir::registerTosaToLinalg();
  mlir::registerTosaToLinalgNamed();
  mlir::registerTosaToArithPass();
  mlir::registerTosaToTensorPass();
  mlir::tosa::registerTosaToLinalgPipelines();
}
