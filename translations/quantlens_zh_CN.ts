<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BitsSpinBox</name>
    <message>
        <location filename="../widgets/layerdelegates.cpp" line="13"/>
        <source>Bit-width: 2–16, or FP32 (no quantization)</source>
        <translation>位宽：2–16，或 FP32（不量化）</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <location filename="../widgets/compareview.cpp" line="47"/>
        <source>value (real units)</source>
        <translation>值（实际单位）</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="48"/>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="72"/>
        <source>Compare quantizers</source>
        <translation>比较量化器</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="89"/>
        <source>Pick a layer and two configurations to compare them</source>
        <translation>选择一个层和两个配置进行比较</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="90"/>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 vs %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：%2 对比 %3</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="99"/>
        <source>(no configuration)</source>
        <translation>（无配置）</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="99"/>
        <source>%1: no statistics</source>
        <translation>%1：无统计数据</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="104"/>
        <source>%1
%2
%3</source>
        <translation>%1
%2
%3</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="125"/>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="125"/>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="126"/>
        <source>B</source>
        <translation>B</translation>
    </message>
</context>
<context>
    <name>EngineBridge</name>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>SQNR %1 dB, cosine %2</source>
        <translation>SQNR %1 dB，余弦 %2</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>SQNR %1 dB, top-1 agreement %2%</source>
        <translation>SQNR %1 dB，top-1 一致率 %2%</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>Session %1: %2. Quantized against FP32: %3 (%4 test images)</source>
        <translation>会话 %1：%2。量化后相对 FP32：%3（%4 张测试图像）</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>PTQ: quantized against FP32: %1</source>
        <translation>PTQ：量化后相对 FP32：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>Evaluated on %1 test images: quantized against FP32: %2</source>
        <translation>已在 %1 张测试图像上评估：量化后相对 FP32：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="20"/>
        <source>%1: %2 on %3 images (%4 ms)</source>
        <translation>%1：%2（%3 张图像，%4 ms）</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="187"/>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="151"/>
        <source>%1 (%2, %3 parameters) on %4</source>
        <translation>%1（%2，%3 个参数），运行于 %4</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="200"/>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="203"/>
        <source>Session %1: %2</source>
        <translation>会话 %1：%2</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="209"/>
        <source>Open data</source>
        <translation>打开数据</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="236"/>
        <source>%1: %2 training and %3 test images, %4 classes</source>
        <translation>%1：%2 张训练图像，%3 张测试图像，%4 个类别</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="269"/>
        <source>PTQ</source>
        <translation>PTQ</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="278"/>
        <source>PTQ: FP32 top-1 %1%, quantized %2%</source>
        <translation>PTQ：FP32 top-1 %1%，量化后 %2%</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="286"/>
        <source>QAT</source>
        <translation>QAT</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="307"/>
        <source>QAT: FP32 top-1 %1%, quantized %2%%3</source>
        <translation>QAT：FP32 top-1 %1%，量化后 %2%%3</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="310"/>
        <source> (stopped)</source>
        <translation>（已停止）</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="335"/>
        <source>Error accumulation</source>
        <translation>误差累积</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="344"/>
        <source>Error accumulation done</source>
        <translation>误差累积完成</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="352"/>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="375"/>
        <source>Compare stopped</source>
        <translation>比较已停止</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="397"/>
        <source>Compared %1 with %2: output error %3 vs %4</source>
        <translation>已比较 %1 与 %2：输出误差 %3 对 %4</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="426"/>
        <source>Sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="437"/>
        <source>Sensitivity ranked %1 layers</source>
        <translation>敏感度：已对 %1 个层排序</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="445"/>
        <source>What-if</source>
        <translation>假设分析</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="451"/>
        <source>%1 at W%2A%3: top-1 %4% on %5 images (%6 ms)</source>
        <translation>%1 在 W%2A%3 下：%5 张图像上 top-1 为 %4%（%6 ms）</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="465"/>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <location filename="../app/gui/enginebridge.cpp" line="467"/>
        <source>Session saved to %1</source>
        <translation>会话已保存到 %1</translation>
    </message>
</context>
<context>
    <name>ErrorView</name>
    <message>
        <location filename="../widgets/errorview.cpp" line="39"/>
        <source>Error accumulated at each block output</source>
        <translation>每个块输出处的累积误差</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="40"/>
        <source>block</source>
        <translation>块</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="41"/>
        <source>‖y_fp − y_q‖₂</source>
        <translation>‖y_fp − y_q‖₂</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="42"/>
        <source>Each layer&apos;s own rounding and clipping error</source>
        <translation>各层自身的舍入与截断误差</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="43"/>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="44"/>
        <source>‖x − x̂‖₂</source>
        <translation>‖x − x̂‖₂</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="57"/>
        <source>Error accumulation</source>
        <translation>误差累积</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="115"/>
        <source>Run &quot;Error accumulation&quot; on one or two configurations to compare them here</source>
        <translation>对一个或两个配置运行“误差累积”，即可在此进行比较</translation>
    </message>
    <message>
        <location filename="../widgets/errorview.cpp" line="148"/>
        <source>No per-layer errors yet</source>
        <translation>尚无逐层误差</translation>
    </message>
</context>
<context>
    <name>HistogramView</name>
    <message>
        <location filename="../widgets/histogramview.cpp" line="21"/>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="27"/>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="28"/>
        <source>Activations</source>
        <translation>激活</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="29"/>
        <source>Which tensor of the layer to show</source>
        <translation>选择要显示的该层张量</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="30"/>
        <source>Logarithmic count axis, to see the tails</source>
        <translation>计数轴使用对数刻度，以便查看分布尾部</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="39"/>
        <source>value (real units)</source>
        <translation>值（实际单位）</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="40"/>
        <location filename="../widgets/histogramview.cpp" line="42"/>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="41"/>
        <source>integer code</source>
        <translation>整数码</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="133"/>
        <source>No layer selected</source>
        <translation>未选择层</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="134"/>
        <source>Select a layer in the layer table, or start a job: the distribution of its weights or activations appears here with the quantization levels over it.</source>
        <translation>在层表中选择一个层，或启动一个任务：其权重或激活的分布将显示在此处，并叠加显示量化级别。</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="67"/>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="130"/>
        <location filename="../widgets/histogramview.cpp" line="161"/>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="130"/>
        <location filename="../widgets/histogramview.cpp" line="161"/>
        <source>activation</source>
        <translation>激活</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="132"/>
        <source>No layer</source>
        <translation>无层</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="138"/>
        <source>%1: no %2 statistics yet</source>
        <translation>%1：尚无%2统计</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="140"/>
        <source>Run PTQ or QAT (toolbar): the distribution of this layer&apos;s weights appears here with the quantization levels over it, and updates while the job runs.</source>
        <translation>运行 PTQ 或 QAT（工具栏）：此层权重的分布将显示在这里，并叠加量化级别，任务运行时实时更新。</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="142"/>
        <source>Run PTQ or QAT (toolbar): the distribution of this layer&apos;s activations appears here with the quantization levels over it, and updates while the job runs.</source>
        <translation>运行 PTQ 或 QAT（工具栏）：此层激活的分布将显示在这里，并叠加量化级别，任务运行时实时更新。</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="150"/>
        <source>&lt;b&gt;%1&lt;/b&gt; at step %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;，第 %2 步</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="160"/>
        <source>FP %1 distribution
%2
%3</source>
        <translation>FP %1分布
%2
%3</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="184"/>
        <source>used codes</source>
        <translation>已用码</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="190"/>
        <source>unused code</source>
        <translation>未用码</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="203"/>
        <source>Integer codes
%1 of %2 used</source>
        <translation>整数码
已用 %1 / %2</translation>
    </message>
    <message>
        <location filename="../widgets/histogramview.cpp" line="206"/>
        <source>Integer codes
not reported</source>
        <translation>整数码
未报告</translation>
    </message>
</context>
<context>
    <name>LayerTableModel</name>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="215"/>
        <source>%1 (block %2)</source>
        <translation>%1（块 %2）</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="260"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="261"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="262"/>
        <source>Weight shape</source>
        <translation>权重形状</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="263"/>
        <source>Params</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="264"/>
        <source>MACs</source>
        <translation>MACs</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="265"/>
        <source>W bits</source>
        <translation>W 位宽</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="266"/>
        <source>A bits</source>
        <translation>A 位宽</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="267"/>
        <source>W method</source>
        <translation>W 方法</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="268"/>
        <source>A method</source>
        <translation>A 方法</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="269"/>
        <source>Per-ch.</source>
        <translation>逐通道</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="270"/>
        <source>W step</source>
        <translation>W 步长</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="271"/>
        <source>A step</source>
        <translation>A 步长</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="272"/>
        <source>A offset β</source>
        <translation>A 偏移 β</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="273"/>
        <source>W SQNR (dB)</source>
        <translation>W SQNR (dB)</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="274"/>
        <source>A SQNR (dB)</source>
        <translation>A SQNR (dB)</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="275"/>
        <source>Sens. rank</source>
        <translation>敏感度排名</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="281"/>
        <source>Multiply-accumulates per input sample</source>
        <translation>每个输入样本的乘加运算次数</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="282"/>
        <source>Weight bit-width (2–16, or FP32); double-click to edit</source>
        <translation>权重位宽（2–16，或 FP32）；双击编辑</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="283"/>
        <source>Input activation bit-width (2–16, or FP32); double-click to edit</source>
        <translation>输入激活位宽（2–16，或 FP32）；双击编辑</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="284"/>
        <source>Weight quantizer; double-click to edit</source>
        <translation>权重量化器；双击编辑</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="285"/>
        <source>Activation quantizer; double-click to edit</source>
        <translation>激活量化器；双击编辑</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="286"/>
        <source>One weight step size per output channel</source>
        <translation>每个输出通道一个权重步长</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="287"/>
        <source>Current weight step size s (mean over channels)</source>
        <translation>当前权重步长 s（各通道均值）</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="288"/>
        <source>Current activation step size s</source>
        <translation>当前激活步长 s</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="289"/>
        <source>Learned activation offset β (LSQ+), 0 if none</source>
        <translation>学习得到的激活偏移 β（LSQ+），无则为 0</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="290"/>
        <source>Signal-to-quantization-noise ratio of the weights</source>
        <translation>权重的信号量化噪声比</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="291"/>
        <source>Signal-to-quantization-noise ratio of the input activations</source>
        <translation>输入激活的信号量化噪声比</translation>
    </message>
    <message>
        <location filename="../widgets/layertablemodel.cpp" line="292"/>
        <source>1 = the layer whose quantization hurts accuracy most</source>
        <translation>1 = 量化后对精度损害最大的层</translation>
    </message>
</context>
<context>
    <name>LayerTableView</name>
    <message>
        <location filename="../widgets/layertableview.cpp" line="52"/>
        <source>Set bits for selection</source>
        <translation>为所选层设置位宽</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="71"/>
        <source>weights and activations</source>
        <translation>权重和激活</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="72"/>
        <source>weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="73"/>
        <source>activations</source>
        <translation>激活</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="74"/>
        <source>Give every selected layer this bit-width</source>
        <translation>为所有选中的层设置此位宽</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="82"/>
        <source>Bits:</source>
        <translation>位宽：</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="84"/>
        <source>for</source>
        <translation>应用于</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="121"/>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="142"/>
        <source>No model loaded: open a model to list its quantizable layers.</source>
        <translation>未加载模型：打开一个模型以列出其可量化的层。</translation>
    </message>
    <message>
        <location filename="../widgets/layertableview.cpp" line="148"/>
        <source>%1 layers · weights %2 (%3 bytes, %4× smaller than FP32) · %5BOPs</source>
        <translation>%1 个层 · 权重 %2（%3 字节，比 FP32 小 %4 倍）· %5BOPs</translation>
    </message>
</context>
<context>
    <name>LevelsView</name>
    <message>
        <location filename="../widgets/levelsview.cpp" line="34"/>
        <source> bits</source>
        <translation> 位</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="35"/>
        <source>POT/POST as in the papers (2^b + 1 levels)</source>
        <translation>POT/POST 按论文定义（2^b + 1 个级别）</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="36"/>
        <source>POT/POST strict (2^b − 1 levels, fits in b bits)</source>
        <translation>POT/POST 严格版（2^b − 1 个级别，可用 b 位表示）</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="38"/>
        <source>Signed weight levels at</source>
        <translation>有符号权重级别，位宽：</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="58"/>
        <source>level / α</source>
        <translation>级别 / α</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="59"/>
        <location filename="../widgets/levelsview.cpp" line="168"/>
        <source>weight / α (α = clipping threshold)</source>
        <translation>权重 / α（α = 截断阈值）</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="60"/>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="74"/>
        <source>Level sets</source>
        <translation>级别集</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="122"/>
        <source>Uniform</source>
        <translation>均匀</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="122"/>
        <source>POT</source>
        <translation>POT</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="122"/>
        <source>POST (√2)</source>
        <translation>POST (√2)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="122"/>
        <source>APoT (k = 2)</source>
        <translation>APoT (k = 2)</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="128"/>
        <source>%1 (n/a)</source>
        <translation>%1（不适用）</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="128"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="149"/>
        <source>Signed %1-bit level sets (number of levels in brackets)
normalised to the clipping threshold α</source>
        <translation>有符号 %1 位级别集（括号内为级别数）
按截断阈值 α 归一化</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="169"/>
        <source>weight / α of %1 (α = %2)</source>
        <translation>%1 的权重 / α（α = %2）</translation>
    </message>
    <message>
        <location filename="../widgets/levelsview.cpp" line="176"/>
        <source>Select a layer to see its weights under the levels</source>
        <translation>选择一个层，查看其权重与各量化级别的对应</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="55"/>
        <source>QuantLens</source>
        <translation>QuantLens</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="59"/>
        <source>No model open</source>
        <translation>未打开模型</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="60"/>
        <source>Open a model with File ▸ Open model… (an ONNX file, a .pth state dict with its .json description, or a TorchScript archive), then quantize it with the tool bar: PTQ, QAT, error accumulation, sensitivity.</source>
        <translation>通过“文件 ▸ 打开模型…”打开一个模型（ONNX 文件、.pth state dict 及其 .json 描述文件，或 TorchScript 归档），然后使用工具栏进行量化：PTQ、QAT、误差累积、敏感度。</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="70"/>
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="72"/>
        <source>Device: none (%1)</source>
        <translation>设备：无（%1）</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="83"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="94"/>
        <source>Data: %1</source>
        <translation>数据：%1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="96"/>
        <source>Autosaved %1</source>
        <translation>已自动保存 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="145"/>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="146"/>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="147"/>
        <source>Offsets and step sizes</source>
        <translation>偏移与步长</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="148"/>
        <source>Levels</source>
        <translation>量化级别</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="149"/>
        <location filename="../app/gui/mainwindow.cpp" line="461"/>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="150"/>
        <location filename="../app/gui/mainwindow.cpp" line="240"/>
        <source>Error accumulation</source>
        <translation>误差累积</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="151"/>
        <source>Training curves</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="152"/>
        <source>Multipoint map</source>
        <translation>多点分布图</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="166"/>
        <source>Export %1 as PNG, PDF, SVG or CSV…</source>
        <translation>将 %1 导出为 PNG、PDF、SVG 或 CSV…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="167"/>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="174"/>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="176"/>
        <location filename="../app/gui/mainwindow.cpp" line="517"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="186"/>
        <source>Busy with %1: the change to %2 applies when you run a job.</source>
        <translation>正在执行 %1：对 %2 的更改将在运行任务时生效。</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="192"/>
        <source>Quantize</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="214"/>
        <source> Weights </source>
        <translation> 权重 </translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="217"/>
        <source> Activations </source>
        <translation> 激活 </translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="221"/>
        <source>Run PTQ</source>
        <translation>运行 PTQ</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="223"/>
        <source> Epochs </source>
        <translation> 轮数 </translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="225"/>
        <source>Run QAT</source>
        <translation>运行 QAT</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="227"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="230"/>
        <source>Pause the running job after its current step; click again to go on</source>
        <translation>在当前步骤后暂停正在运行的任务；再次点击继续</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="235"/>
        <source>%1 paused</source>
        <translation>%1 已暂停</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="237"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="242"/>
        <source>Sensitivity</source>
        <translation>敏感度</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="244"/>
        <source>Compare…</source>
        <translation>比较…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="246"/>
        <source>Quantize a second copy of the model another way and compare it with this one, layer by layer</source>
        <translation>用另一种方式量化模型的第二个副本，并与当前模型逐层比较</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="278"/>
        <source>PTQ</source>
        <translation>PTQ</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="293"/>
        <source>QAT</source>
        <translation>QAT</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="299"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="300"/>
        <source>Open &amp;model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="303"/>
        <source>Open s&amp;ession…</source>
        <translation>打开会话(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="305"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="308"/>
        <source>Open &amp;data…</source>
        <translation>打开数据(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="310"/>
        <source>&amp;Save session…</source>
        <translation>保存会话(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="314"/>
        <source>&amp;Export all plots…</source>
        <translation>导出所有图表(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="317"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="321"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="325"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="329"/>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="343"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="344"/>
        <source>&amp;About QuantLens</source>
        <translation>关于 QuantLens(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="351"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="351"/>
        <source>The language changes the next time QuantLens starts.</source>
        <translation>语言将在下次启动 QuantLens 时更改。</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="359"/>
        <location filename="../app/gui/mainwindow.cpp" line="403"/>
        <location filename="../app/gui/mainwindow.cpp" line="497"/>
        <source>Busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="359"/>
        <location filename="../app/gui/mainwindow.cpp" line="403"/>
        <location filename="../app/gui/mainwindow.cpp" line="497"/>
        <source>Wait for %1 to finish, or stop it.</source>
        <translation>请等待 %1 完成，或将其停止。</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="367"/>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="507"/>
        <source>Export all plots</source>
        <translation>导出所有图表</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="508"/>
        <source>Image format (each view&apos;s data is written as CSV too):</source>
        <translation>图像格式（每个视图的数据也会写成 CSV）：</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="411"/>
        <source>Open data</source>
        <translation>打开数据</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="495"/>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="375"/>
        <location filename="../app/gui/mainwindow.cpp" line="495"/>
        <source>Sessions (*.qls)</source>
        <translation>会话 (*.qls)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="368"/>
        <source>Models (*.onnx *.pth *.pt);;Sessions (*.qls);;All files (*)</source>
        <translation>模型 (*.onnx *.pth *.pt);;会话 (*.qls);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="375"/>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="389"/>
        <source>File not found</source>
        <translation>找不到文件</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="389"/>
        <source>%1 no longer exists; it was removed from the list.</source>
        <translation>%1 已不存在，已从列表中移除。</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="408"/>
        <source>A folder (IDX files, CIFAR binaries or one sub-folder per class)…</source>
        <translation>文件夹（IDX 文件、CIFAR 二进制文件或每类一个子文件夹）…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="412"/>
        <source>Data set for calibration, training and evaluation (now: %1):</source>
        <translation>用于校准、训练和评估的数据集（当前：%1）：</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="413"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="419"/>
        <source>Open data folder</source>
        <translation>打开数据文件夹</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="430"/>
        <source>Compare with</source>
        <translation>比较对象</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="446"/>
        <source>Quantize a second copy of the model with PTQ and compare it with the current one.</source>
        <translation>用 PTQ 量化模型的第二个副本，并与当前模型比较。</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="447"/>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="448"/>
        <source>Weight bits</source>
        <translation>权重位宽</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="449"/>
        <source>Activations</source>
        <translation>激活</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="450"/>
        <source>Activation bits</source>
        <translation>激活位宽</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="459"/>
        <source>Open a model first, and wait for the running job.</source>
        <translation>请先打开模型，并等待正在运行的任务结束。</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="486"/>
        <source> (activations)</source>
        <translation>（激活）</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="486"/>
        <source> (weights)</source>
        <translation>（权重）</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="502"/>
        <source>Export all plots to</source>
        <translation>将所有图表导出到</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="518"/>
        <source>Wrote %1 files to %2</source>
        <translation>已将 %1 个文件写入 %2</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="523"/>
        <source>About QuantLens</source>
        <translation>关于 QuantLens</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="524"/>
        <source>&lt;h3&gt;QuantLens %1&lt;/h3&gt;&lt;p&gt;See what quantization does to every layer of a neural network: post-training and quantization-aware training (LSQ, LSQ+, ASQ, POT/POST, multipoint PTQ), live, per layer.&lt;/p&gt;&lt;p&gt;libtorch %2, Qt %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;QuantLens %1&lt;/h3&gt;&lt;p&gt;查看量化对神经网络每一层的影响：训练后量化与量化感知训练（LSQ、LSQ+、ASQ、POT/POST、多点 PTQ），实时、逐层呈现。&lt;/p&gt;&lt;p&gt;libtorch %2，Qt %3&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="552"/>
        <source>QuantLens — %1</source>
        <translation>QuantLens — %1</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="562"/>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="595"/>
        <location filename="../app/gui/mainwindow.cpp" line="597"/>
        <source>%1 failed</source>
        <translation>%1 失败</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="633"/>
        <source>  ETA %1 s</source>
        <translation>  预计剩余 %1 秒</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="663"/>
        <source>A job is running</source>
        <translation>有任务正在运行</translation>
    </message>
    <message>
        <location filename="../app/gui/mainwindow.cpp" line="664"/>
        <source>%1 is still running. Stop it and quit?</source>
        <translation>%1 仍在运行。是否停止并退出？</translation>
    </message>
</context>
<context>
    <name>MethodDelegate</name>
    <message>
        <location filename="../widgets/layerdelegates.cpp" line="83"/>
        <source>Quantization method</source>
        <translation>量化方法</translation>
    </message>
</context>
<context>
    <name>MultipointMapView</name>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="24"/>
        <source>points per channel</source>
        <translation>每通道点数</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="31"/>
        <source>output channel mod columns</source>
        <translation>输出通道 mod 列数</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="32"/>
        <source>output channel ÷ columns (row)</source>
        <translation>输出通道 ÷ 列数（行）</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="44"/>
        <source>Multipoint map</source>
        <translation>多点分布图</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="71"/>
        <source>Multipoint PTQ: no result yet</source>
        <translation>多点 PTQ：尚无结果</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="72"/>
        <source>Run multipoint PTQ on a layer to see how many points each output channel gets.</source>
        <translation>对某一层运行多点 PTQ，查看每个输出通道分配到多少个点。</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="121"/>
        <source>%1: %2 channels
%3 points per channel on average</source>
        <translation>%1：%2 个通道
平均每通道 %3 个点</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="127"/>
        <source>1 point</source>
        <translation>1 个点</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="127"/>
        <source>%1 points</source>
        <translation>%1 个点</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="128"/>
        <source>1 channel</source>
        <translation>1 个通道</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="128"/>
        <source>%1 channels</source>
        <translation>%1 个通道</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="129"/>
        <source>%1: %2 (%3 %)</source>
        <translation>%1：%2（%3 %）</translation>
    </message>
    <message>
        <location filename="../widgets/multipointmapview.cpp" line="131"/>
        <source>Output error ‖Wx − Ŵx‖²: %1 with one point → %2 after (%3 %)</source>
        <translation>输出误差 ‖Wx − Ŵx‖²：单点时为 %1 → 之后为 %2（%3 %）</translation>
    </message>
</context>
<context>
    <name>OffsetsView</name>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="18"/>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="19"/>
        <source>Activations</source>
        <translation>激活</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="22"/>
        <source>Step size s and offset β of:</source>
        <translation>步长 s 与偏移 β：</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="26"/>
        <source>Newest step size s and offset β per layer</source>
        <translation>各层最新的步长 s 与偏移 β</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="27"/>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="28"/>
        <location filename="../widgets/offsetsview.cpp" line="31"/>
        <source>value (real units)</source>
        <translation>值（实际单位）</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="29"/>
        <source>s (solid) and β (dashed) over training, selected layers</source>
        <translation>训练过程中的 s（实线）与 β（虚线），所选层</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="30"/>
        <source>training step</source>
        <translation>训练步</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="49"/>
        <source>Step sizes and offsets</source>
        <translation>步长与偏移</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="106"/>
        <source>step size s</source>
        <translation>步长 s</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="113"/>
        <source>offset β</source>
        <translation>偏移 β</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="141"/>
        <source>No quantizer statistics yet: start QAT or PTQ</source>
        <translation>尚无量化器统计数据：请启动 QAT 或 PTQ</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="173"/>
        <source>%1: β</source>
        <translation>%1：β</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="190"/>
        <source>Select layers in the layer table to follow s and β over training</source>
        <translation>在层表中选择层，以跟踪训练过程中的 s 与 β</translation>
    </message>
    <message>
        <location filename="../widgets/offsetsview.cpp" line="191"/>
        <source>No history for the selected layers yet</source>
        <translation>所选层尚无历史记录</translation>
    </message>
</context>
<context>
    <name>TrainingCurvesView</name>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="13"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="29"/>
        <location filename="../widgets/trainingcurvesview.cpp" line="36"/>
        <source>training step</source>
        <translation>训练步</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="30"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="32"/>
        <source>top-1 accuracy (%)</source>
        <translation>top-1 准确率 (%)</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="37"/>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="46"/>
        <source>loss (left axis)</source>
        <translation>损失（左轴）</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="49"/>
        <source>accuracy (right axis)</source>
        <translation>准确率（右轴）</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="55"/>
        <source>FP32 baseline accuracy</source>
        <translation>FP32 基线准确率</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="79"/>
        <source>Training curves</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="118"/>
        <source>FP32 %1 %</source>
        <translation>FP32 %1 %</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="129"/>
        <source>Training: no steps yet</source>
        <translation>训练：尚无步骤</translation>
    </message>
    <message>
        <location filename="../widgets/trainingcurvesview.cpp" line="141"/>
        <source>Step %1 · epoch %2
loss %3 · accuracy %4 %</source>
        <translation>第 %1 步 · 第 %2 轮
损失 %3 · 准确率 %4 %</translation>
    </message>
</context>
<context>
    <name>ql::ui::CompareView</name>
    <message>
        <location filename="../widgets/compareview.cpp" line="29"/>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="30"/>
        <source>L2 error ‖x − x̂‖₂</source>
        <translation>L2 误差 ‖x − x̂‖₂</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="31"/>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="32"/>
        <source>cosine similarity</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="33"/>
        <source>clipped below (%)</source>
        <translation>下侧截断 (%)</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="34"/>
        <source>clipped above (%)</source>
        <translation>上侧截断 (%)</translation>
    </message>
    <message>
        <location filename="../widgets/compareview.cpp" line="35"/>
        <source>step size s</source>
        <translation>步长 s</translation>
    </message>
</context>
<context>
    <name>ql::ui::PlotExport</name>
    <message>
        <location filename="../widgets/plotexport.cpp" line="159"/>
        <location filename="../widgets/plotexport.cpp" line="185"/>
        <source>No view to export</source>
        <translation>没有可导出的视图</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="105"/>
        <source>Could not write %1: check that the folder exists and is writable</source>
        <translation>无法写入 %1：请检查文件夹是否存在且可写</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="169"/>
        <source>Writing %1 produced an empty file</source>
        <translation>写入 %1 后得到的是空文件</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="188"/>
        <location filename="../widgets/plotexport.cpp" line="192"/>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="204"/>
        <source>Cannot export to %1: use a name ending in .png, .pdf, .svg or .csv</source>
        <translation>无法导出到 %1：请使用以 .png、.pdf、.svg 或 .csv 结尾的文件名</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="213"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="214"/>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="215"/>
        <source>SVG drawing (*.svg)</source>
        <translation>SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="216"/>
        <source>CSV data (*.csv)</source>
        <translation>CSV 数据 (*.csv)</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="225"/>
        <source>Could not create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="230"/>
        <source>Written %1.</source>
        <translation>已写入 %1。</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="232"/>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="233"/>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <location filename="../widgets/plotexport.cpp" line="234"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
</context>
<context>
    <name>ql::ui::plot</name>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="207"/>
        <source>FP values</source>
        <translation>FP 值</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="311"/>
        <source>clipped below: %1</source>
        <translation>下侧截断：%1</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="312"/>
        <source>clipped above: %1</source>
        <translation>上侧截断：%1</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="316"/>
        <source>no levels reported</source>
        <translation>未报告级别</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="318"/>
        <source>%1 levels (ticks along the bottom)</source>
        <translation>%1 个量化级（底部刻度）</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="320"/>
        <source>%1 levels</source>
        <translation>%1 个级别</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="321"/>
        <source>%1 levels (too dense to draw)</source>
        <translation>%1 个级别（过密，无法绘制）</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="323"/>
        <source>, channel %1 of %2 (median range)</source>
        <translation>，第 %1 个通道（共 %2 个，中位范围）</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="329"/>
        <source>channel %1 clip range [%2, %3]</source>
        <translation>通道 %1 截断范围 [%2, %3]</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="331"/>
        <source>clip range [%1, %2]</source>
        <translation>截断范围 [%1, %2]</translation>
    </message>
    <message>
        <location filename="../widgets/plotstyle.cpp" line="339"/>
        <source>clip limits of all %1 channels</source>
        <translation>全部 %1 个通道的截断界限</translation>
    </message>
</context>
</TS>
