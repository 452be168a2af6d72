zh = r'''检查清单报告中没有未解决的项目
无需回退：检查清单只读取平台信息
无法自行解决的项目：请联系提供检查清单的技术支持
无需回退：下载不会改动平台
先获取 Core 安装包，然后列出每个集群运行的内容（见下方命令），将 `apps.yaml` 导入客户门户，并获取其提供的 Aligned 和 Agnostic 插件包：这些都要在维护窗口开始前完成
请为 violet 提供令牌，而不是 `--platform-password`：在命令行中输入的密码会留在 shell 历史中，并可被 `ps` 看到
无需回退：已推送的安装包会留在平台目录中，直到集群升级
灾备：推送给备集群的安装包须用 `--dest-repo <standby VIP>` 指定备集群，并提供备集群镜像仓库的凭据或 `--no-auth`（ACP 4.0 文档 › 上传镜像）
Application Services 升级指南中针对 3.x global 集群的每一项都已完成
{c.name} 上已不再列出 {name}
在同一页面上为 {c.name} 重新安装 {name}，使用删除前记录的配置
{name} 在 {c.name} 上显示为已安装并运行
在同一页面上再次卸载
{c.name} 的 ETCD 备份任务中只剩下 {default-etcd-backup}
按照记录下来的计划和目标重新创建已删除的任务
知识库文章描述了该修改；撤销它会重新引入升级不能遇到的节点角色问题
数据迁移到新的 Elasticsearch 之后，本计划认为旧的已不存在
操作步骤在支持检查清单的报告中；对数据有任何疑问：请联系技术支持
将 {c.name} 控制平面节点上的 `{path}` 扩容到至少 {gb} GB 可用空间
在 {c.name} 的每个控制平面节点上，`df -h {path}` 显示至少 {gb} GB 可用空间
无需回退：多出的空间没有坏处
下一次预检通过 `ResourcePatchUpgradeable`
删除该注解：`kubectl annotate resourcepatches {name} config.cpaas.io/exempt-for-ver-`
`kubectl get machines.platform.tkestack.io` 显示所有 Machine 均为 Running
从 3.x 升级时，4.0 指南要求由技术支持处理
无需回退：安装包会一直等到 {c.name} 升级
一次推送可用于多个集群：在 `--clusters` 中填写所有集群名称，用逗号分隔
无需回退：安装包会一直等到升级
无需回退：安装包会一直等到 {c.name} 升级
{c.name} 上的 Istio 控制平面及每个实例均显示 {to}
在 Kubernetes 尚未升级之前，Alauda Service Mesh 文档说明了如何退回到之前的 Istio
{c.name} 的功能组件显示 Kubernetes {to}
Kubernetes 从不降级：控制平面保持 {to}（Kubernetes 版本偏差策略）
所有运行中的 Pod（Kubernetes {to}）
{c.provider ?? "云服务提供商"} 控制台显示 {c.name} 的 Kubernetes 为 {to}
灾备巡检确认备集群与主集群一致，且所有 Machine 均为 Running
无需回退：只做读取
发现任何不一致：继续之前请联系技术支持
`kubectl get pod -n kube-system | grep etcd-mirror` 没有任何输出
升级完成后会重新安装同步组件（单独的步骤）
global 集群中已不再列出 EtcdSync
global 集群中已不再列出 etcd Synchronizer
ProductBase `base` 的 `spec.alternativeURLs` 中包含 `https://<standby-cluster-vip>`
无需回退：多出的 URL 没有坏处
名为 `base` 的 ProductBase（`product.alauda.io/v1alpha2`）必须在 `spec.alternativeURLs` 中包含 `https://<standby-cluster-vip>`；否则备集群的控制台无法执行其升级
`etcd-sync` Pod 为 1/1 Running，且日志中出现 `Start Sync update`
检查结果中没有缺失的键，也没有多余的键
多余的键：删除之前先与运维团队确认要删除哪些
镜像同步已完成且没有错误
无需回退：镜像只是存放在镜像仓库中；{c.name} 仍运行当前版本
每次推送给该备集群的 violet 命令都须用 `--dest-repo <standby VIP>` 指定备集群，并提供备集群镜像仓库的凭据或 `--no-auth`；否则安装包会进入主集群的镜像仓库
使用 `upgrade.sh` 开始将 {c.name} 升级到 {hop.to}
`upgrade.sh` 已结束且没有错误
从这里开始 {c.name} 正在升级；指南中没有描述回退方法
如果已提前推送 Operator 和 Cluster Plugin 镜像，现在只创建它们的 CR，不要使用 `--clusters`（在这里列出业务集群会导致其后续升级失败），并等待 10–15 分钟，直到出现升级通知
{c.name} 的功能组件显示已没有可升级的内容
{c.name} 的组件升级后，指南中没有描述回退方法
平台组件
平台中的帮助链接打开产品文档，而不是 404 页面
卸载该插件；之后帮助链接将返回 404
在任何业务集群升级之前卸载该插件
{c.name} 显示 ACP {hop.version}
{c.name} 升级后，指南中没有描述回退方法
无法判断影响的自定义配置覆盖：确认之前请咨询技术支持
PostgreSQL 实例
采用自动更新策略的数据服务
如需在同一次升级中升级其 Operator 和 Cluster Plugin，请先使用 `--clusters {c.name}` 只创建它们的 CR（必须是这个确切的名称：名称错误会导致该集群升级失败），并等待 10–15 分钟，直到出现可升级图标
`upgrade.sh` 的镜像和插件同步已完成
无需回退：准备好的制品会一直等到提交升级请求
内置镜像仓库：`upgrade.sh` 根据 global VIP 得出镜像仓库地址
外部镜像仓库：`upgrade.sh` 会跳过镜像同步（`SKIP_SYNC_IMAGE=true`），因此镜像必须已在该仓库中；当 `ProductBase.spec.registry.address` 不是要使用的仓库时，添加 `--registry <registry-address> --username <username> --password <password>`
未指定 `--username` 和 `--password` 时，`upgrade.sh` 从 `cpaas-system/registry-admin` Secret 中读取镜像仓库凭据
每次推送给该备集群的 violet 命令都须用 `--dest-repo <standby VIP>` 指定备集群，并提供备集群镜像仓库的凭据或 `--no-auth`
`PreflightReady=True`
无需回退：预检只做读取
只有在 `PreflightReady=True` 时才继续；否则输出中的 Checks 部分会指出失败的检查项
请求已显示为已提交：`ac adm upgrade status --cluster=global` 中的目标版本为 {hop.version}
请求提交后，集群版本控制器（CVO）会将 {c.name} 升级到 {hop.version}；指南中没有描述回退方法
也可以在 Web 控制台中提交同样的请求（确认 RPCH 列表，然后点击开始升级；控制台提供的是已准备制品所带的版本），或在 `cpaas-system` 中将 `cvsh global` 的 `spec.desiredUpdate.version` 设置为 {hop.version}
`kubectl get cvsh -n cpaas-system` 中显示 `Ready=True`，当前版本为 {hop.version}
`Stalled=True` 表示升级受阻，需要人工介入：请保留 `ac adm upgrade status --cluster=global` 的输出提供给技术支持
`Ready=True` 表示完成；`Reconciling=True` 表示仍在进行；`Stalled=True` 表示卡住，需要有人排查
{c.name} 上已没有可升级的实例
global 集群 {c.name} 控制平面上的 `{minio-path}` 可用空间不足 {minio-free-gb} GB；升级前请扩容到 {minio-free-gb} GB 或以上
global 集群 {c.name} 控制平面节点上的 `{minio-path}` 可用空间不足 {minio-free-gb} GB；升级前请扩容到 {minio-free-gb} GB 或以上
清单中没有 global 集群 {c.name} 上 `{minio-path}` 的可用空间，因此无法检查 {minio-free-gb} GB 的规则：请在其每个控制平面节点上运行 `df -h {minio-path}`，并将结果填入 disks
准备工作已完成
{hop.to} 的每个安装包都已下载并推送，上面的每个准备步骤都已勾选
支持检查清单报告中没有未解决的项目
负责业务的人员已知晓维护窗口已开始
global 层已运行 {hop.version}
`kubectl get cvsh -n cpaas-system` 显示 global 集群为 `Ready=True`
global 集群的功能组件显示已没有可升级的内容
使用 global 灾备时，备集群和主集群都已完成升级
global 集群上已具备 Service Mesh Essentials
升级后
每个集群的功能组件都显示 ACP {hop.version}
按各自的指南升级随平台升级的产品：Alauda AI、Alauda DevOps、Alauda Service Mesh
PostgreSQL 实例在升级期间已重启，采用自动更新策略的数据服务也可能已重启：请确认它们已恢复服务
如果 Alauda Container Platform GitOps 插件的 Pod 运行异常，请按照其升级指南处理
使用 global 灾备时，etcd 同步检查中没有缺失的键，也没有多余的键'''.split('\n')
en = open('.scratch/new.txt').read().split('\n')
en = [e if not e.startswith('The {c.provider ??') else 'The {c.provider ?? "cloud provider"} console shows Kubernetes {to} for {c.name}' for e in en]
assert len(en)==len(zh),(len(en),len(zh))
out=['# Chinese for the runbook texts of rules/acp added or changed on branch runbook (issue 9):',
     '# verify, undo, irreversible, escalate, restarts, checkpoints, and the notes, titles and',
     '# messages whose commands, flags and paths went into backticks. Keyed by the English',
     '# template text, as the i18n catalog expects. Vocabulary from the ACP guide in Chinese.',
     'translation zh {']
for e,z in zip(en,zh):
    out.append('  "%s"\n    = "%s"' % (e,z))
out.append('}')
open('/work/briefs/s17/zh-runbook.uplan.txt','w').write('\n'.join(out)+'\n')
