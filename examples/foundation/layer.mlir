// One fully connected layer written at the cim level by hand: the stage the
// compiler reaches today. Weights are float constants; cim.quantize turns
// them into 4-bit integers per output channel at compile time (it folds), and
// the crossbar product then runs on exact integers.
func.func @layer(%x: tensor<1x4xi8>) -> tensor<1x3xi32> {
  %w = arith.constant dense<[[ 0.50, -0.25,  0.10],
                             [-0.75,  0.30,  0.05],
                             [ 0.20,  0.10, -0.20],
                             [ 0.90, -0.60,  0.15]]> : tensor<4x3xf32>
  %wq = cim.quantize %w bits 4 scales [0.125, 0.1, 0.03] axis 1 : tensor<4x3xf32> -> tensor<4x3xi8>
  %y = cim.crossbar_matmul %x, %wq : tensor<1x4xi8>, tensor<4x3xi8> -> tensor<1x3xi32>
  return %y : tensor<1x3xi32>
}

// The same weights placed by hand on the first array of an isaac machine:
// 4-bit weights as two 2-bit slices are cell levels 0..3.
func.func @placed(%x: tensor<4xi8>) -> tensor<2xi32> {
  %levels = arith.constant dense<[[1, 3], [0, 2], [3, 3], [2, 0]]> : tensor<4x2xi8>
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4x2xi8>
  %sums = xbar.mvm %x on #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4xi8> -> tensor<2xi32>
  return %sums : tensor<2xi32>
}
