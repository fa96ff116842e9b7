// Slices that run as generic copy loops: a strided one and a
// rank-reducing one (emit-program-pipeline.test).
func.func @main(%x: tensor<2x8xi8> {onnx.name = "x"}) -> (tensor<2x4xi8>, tensor<8xi8>) {
  %a = tensor.extract_slice %x[0, 0] [2, 4] [1, 2] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x8xi8> to tensor<2x4xi8>
  %b = tensor.extract_slice %x[1, 0] [1, 8] [1, 1] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 1 : i64} : tensor<2x8xi8> to tensor<8xi8>
  return %a, %b : tensor<2x4xi8>, tensor<8xi8>
}
