# Copyright 2026 ITSM for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the demo history is made of (itsm.demo.history): the IT department
of a provincial telecom operator's business-support systems (BSS) and the
declarations its users make, in Chinese as they write them. Data only."""

# The IT department's rooms (科室): (key, name, manager, engineers). Logins
# are itsm_demo_<pinyin> (no password: the role users log in).
ROOMS = [
    (
        "billing",
        "计费支撑室",
        ("刘洋", "liuyang"),
        [("黄磊", "huanglei"), ("郑敏", "zhengmin")],
    ),
    ("crm", "客服系统室", ("马超", "machao"), [("林静", "linjing"), ("许文", "xuwen")]),
    (
        "network",
        "网络运维室",
        ("何军", "hejun"),
        [("高峰", "gaofeng"), ("谢婷", "xieting")],
    ),
    ("data", "数据管理室", ("罗丹", "luodan"), [("韩雪", "hanxue")]),
]

# Business departments and the people who call the desk (业务部门).
BUSINESS = [
    (
        "market",
        "市场部",
        [
            ("王芳", "资费专员"),
            ("李强", "产品经理"),
            ("赵丽", "渠道主管"),
            ("钱多多", "营销策划"),
            ("冯雪", "数据分析员"),
        ],
    ),
    (
        "care",
        "客户服务中心",
        [
            ("陈晨", "10086 班长"),
            ("杨帆", "投诉处理专员"),
            ("周婷", "质检员"),
            ("吴磊", "坐席主管"),
            ("蒋琳", "培训师"),
            ("沈浩", "话务调度"),
            ("韩梅", "投诉处理专员"),
        ],
    ),
    (
        "hall",
        "营业厅管理部",
        [
            ("孙悦", "城东营业厅值班经理"),
            ("朱洁", "高新区营业厅营业员"),
            ("胡斌", "火车站营业厅店长"),
            ("秦岚", "开发区营业厅营业员"),
            ("曹阳", "城南营业厅店长"),
            ("彭丽", "大学城营业厅值班经理"),
            ("邓超", "营业厅运营主管"),
        ],
    ),
    (
        "finance",
        "财务部",
        [
            ("郭敏", "结算会计"),
            ("何静", "收入稽核"),
            ("宋佳", "应收会计"),
            ("唐亮", "财务经理"),
        ],
    ),
    (
        "enterprise",
        "政企客户部",
        [
            ("林涛", "政企客户经理"),
            ("梁红", "集团业务支撑"),
            ("董卫", "行业经理"),
            ("袁媛", "政企客户经理"),
            ("潘磊", "项目经理"),
        ],
    ),
]

# Their staff beyond the named people: how many, and their post.
STAFF = {"market": 6, "care": 14, "hall": 18, "finance": 4, "enterprise": 8}
STAFF_JOBS = {
    "market": "市场部专员",
    "care": "客服代表",
    "hall": "营业员",
    "finance": "财务专员",
    "enterprise": "客户经理",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶"
    "黎贺顾毛郝龚邵万钱严武戴孔汤"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "华",
    "玲",
    "飞",
    "鹏",
    "辉",
    "婷",
    "雪",
    "琳",
    "晓东",
    "海燕",
    "建国",
    "志强",
    "欣怡",
]


def staff_name(index):
    """The index-th staff member's name: always the same."""
    return (
        SURNAMES[(7 * index + 3) % len(SURNAMES)] + GIVEN[(11 * index + 5) % len(GIVEN)]
    )


# The systems (level 4 of the category tree, under S2's equipment leaves):
# (key, name, parent category xml id, team room key).
SYSTEMS = [
    ("billing", "计费系统", "category_service_equipment_online_production", "billing"),
    ("crm", "CRM系统", "category_service_equipment_online_production", "crm"),
    ("ivr", "客服热线系统", "category_service_equipment_online_production", "crm"),
    (
        "settlement",
        "结算系统",
        "category_service_equipment_offline_production",
        "billing",
    ),
    ("dw", "数据仓库", "category_service_equipment_offline_production", "data"),
    (
        "network",
        "网络与主机",
        "category_service_equipment_online_production",
        "network",
    ),
    ("office", "办公终端", "category_service_equipment_non_production", "network"),
]

HOSTS = {
    "billing": [
        "bill-rating-01",
        "bill-rating-02",
        "bill-rating-03",
        "bill-acct-01",
        "bill-db-01",
    ],
    "crm": ["crm-app-01", "crm-app-02", "crm-app-03", "crm-db-01"],
    "ivr": ["ivr-gw-01", "ivr-gw-02", "cti-srv-01"],
    "settlement": ["stl-app-01", "stl-db-01"],
    "dw": ["dw-etl-01", "dw-etl-02", "dw-gp-master"],
    "network": ["core-sw-01", "fw-dmz-01", "lb-f5-01", "core-sw-02"],
    "office": ["oa-srv-01"],
}
HALLS = [
    "城东营业厅",
    "高新区营业厅",
    "火车站营业厅",
    "开发区营业厅",
    "城南营业厅",
    "大学城营业厅",
]

# Monitoring alerts: (system, title, description, cause, measures, result,
# prevention, impacts, urgencies). {host} {value} are filled in.
ALERTS = [
    (
        "billing",
        "【告警】{host} 批价进程异常退出",
        "监控平台告警：{host} 上批价进程 rating_engine 异常退出，"
        "话单开始积压（当前 {value} 万条）。",
        "批价进程处理异常话单时内存溢出。",
        "重启批价进程，隔离异常话单并人工回收。",
        "进程恢复，积压话单 40 分钟内处理完毕。",
        "批价程序增加异常话单过滤和内存上限保护。",
        ["moderate", "severe"],
        ["high", "medium"],
    ),
    (
        "billing",
        "【告警】{host} CPU 使用率超过 95%",
        "{host} CPU 使用率持续 10 分钟超过 95%，当前 {value}%。",
        "月初出账期间批价任务并发过高。",
        "调整批价任务并发数，迁移部分任务到备用节点。",
        "CPU 使用率回落到 60% 以下。",
        "出账前按话单量预估扩容计算节点。",
        ["minor", "moderate"],
        ["medium", "high"],
    ),
    (
        "billing",
        "【告警】{host} 表空间使用率 {value}%",
        "计费库 {host} 表空间 TBS_CDR 使用率达到 {value}%，超过 90% 阈值。",
        "历史话单未按期归档。",
        "扩容表空间并执行历史话单归档。",
        "表空间使用率降到 70%。",
        "话单归档任务纳入每周例行检查。",
        ["minor", "moderate"],
        ["medium", "low"],
    ),
    (
        "crm",
        "【告警】{host} 接口响应超时",
        "CRM 开户接口平均响应时间 {value} 秒，超过 5 秒阈值，营业厅可能受影响。",
        "数据库慢查询导致连接池耗尽。",
        "终止慢查询，扩大连接池，补建客户资料表索引。",
        "接口响应恢复到 1 秒以内。",
        "上线前增加 SQL 审核环节。",
        ["moderate", "severe"],
        ["high", "medium"],
    ),
    (
        "crm",
        "【告警】{host} 应用服务无响应",
        "{host} 健康检查连续 3 次失败，负载均衡已摘除该节点。",
        "应用服务器 JVM 内存泄漏，频繁 Full GC。",
        "重启应用服务，导出堆转储交厂家分析。",
        "节点恢复并重新加入负载均衡。",
        "应用升级到厂家修复版本，增加 GC 监控。",
        ["minor", "moderate"],
        ["high", "medium"],
    ),
    (
        "ivr",
        "【告警】{host} 中继电路占用率 {value}%",
        "客服热线中继占用率 {value}%，排队用户增多，转人工等待时间变长。",
        "营销活动短信发送后来电量突增。",
        "临时启用备用中继，IVR 增加活动自助查询节点。",
        "排队时长恢复正常。",
        "营销活动提前通知客服中心和 IT 做容量准备。",
        ["moderate"],
        ["high", "medium"],
    ),
    (
        "ivr",
        "【告警】{host} 语音网关注册失败",
        "语音网关 {host} 与软交换注册失败，部分热线呼入无法接通。",
        "网关证书过期。",
        "更新网关证书并重新注册。",
        "呼入恢复正常。",
        "证书到期时间纳入监控，提前 30 天预警。",
        ["severe", "moderate"],
        ["high"],
    ),
    (
        "settlement",
        "【告警】{host} 结算批处理任务失败",
        "夜间结算批处理 STL_DAILY 执行失败，错误码 ORA-01555。",
        "批处理与数据备份时间重叠，回滚段不足。",
        "调整备份时间窗口，重跑结算批处理。",
        "当日结算数据补跑完成。",
        "批处理和备份时间窗口统一编排。",
        ["minor", "moderate"],
        ["medium", "low"],
    ),
    (
        "dw",
        "【告警】{host} ETL 任务超时",
        "数据仓库 ETL 任务 ODS_CDR_LOAD 运行超过 {value} 分钟未结束，日报表可能延迟。",
        "源系统话单文件迟到。",
        "手工触发补采，重跑 ETL 任务。",
        "日报表 10:30 前生成。",
        "源文件到达增加监控，迟到 30 分钟自动告警。",
        ["minor"],
        ["medium", "low"],
    ),
    (
        "network",
        "【告警】{host} 端口流量异常",
        "{host} 上联端口流量突增到 {value}%，存在丢包。",
        "备份任务走了生产网络。",
        "限速备份流量，调整备份路由。",
        "端口流量恢复正常，丢包消失。",
        "备份网络与生产网络物理隔离。",
        ["moderate", "minor"],
        ["medium", "high"],
    ),
    (
        "network",
        "【告警】{host} 主备链路切换",
        "{host} 检测到主链路中断，已自动切换到备用链路。",
        "运营商光缆被施工挖断。",
        "确认备用链路正常，督促运营商抢修主链路。",
        "主链路修复后切回。",
        "与运营商签订抢修时限协议。",
        ["moderate", "severe"],
        ["high", "medium"],
    ),
]

# Phone and e-mail faults reported by users: (system, title, description,
# cause, measures, result, prevention, impacts, urgencies, article key).
FAULTS = [
    (
        "crm",
        "{hall}CRM 开户提交超时",
        "{hall}反映：办理新开户时点提交后一直转圈，超时后提示系统繁忙，已有多位客户在排队。",
        "CRM 开户服务调用号码资源接口超时。",
        "重启号码资源接口服务，清理锁表。",
        "营业厅开户恢复正常，已回访确认。",
        "号码资源接口增加超时熔断。",
        ["moderate", "severe"],
        ["high", "medium"],
        "crm_timeout",
    ),
    (
        "crm",
        "{hall}营业员无法登录 CRM",
        "{hall}营业员工号登录 CRM 提示“证书无效”，换电脑也一样。",
        "营业员 U 盾证书到期。",
        "远程协助更新证书。",
        "营业员可以正常登录。",
        "证书到期前 15 天短信提醒营业员。",
        ["minor"],
        ["high", "medium"],
        "crm_cert",
    ),
    (
        "crm",
        "CRM 打印发票乱码",
        "{hall}打印月结发票时部分字段显示乱码，客户不接受。",
        "打印模板字体缺失。",
        "重新下发打印控件和字体包。",
        "发票打印正常。",
        "终端标准镜像加入打印字体。",
        ["minor"],
        ["medium"],
        "crm_print",
    ),
    (
        "billing",
        "用户反映套餐外流量扣费异常",
        "客服中心转来多起投诉：5G 畅享套餐用户本月被收取套餐外流量费，"
        "用户称流量未用完。",
        "资费配置中新套餐流量包优先级配置错误。",
        "修正资费配置，对受影响用户批量退费。",
        "共 326 户完成退费，短信告知用户。",
        "资费上线前增加测试用例复核。",
        ["moderate", "severe"],
        ["high", "medium"],
        "billing_rate",
    ),
    (
        "billing",
        "月初出账进度落后",
        "出账第一天 18:00 进度只有 60%，按此速度无法在 2 日 0 点前完成。",
        "账务处理进程并发配置被误改小。",
        "恢复并发配置，增加临时计算节点。",
        "出账于 1 日 23:20 完成。",
        "出账参数变更纳入变更管理。",
        ["severe"],
        ["high", "medium"],
        "billing_close",
    ),
    (
        "billing",
        "用户充值后未到账",
        "客户在掌厅充值 100 元，支付成功但余额未增加，已超过 2 小时。",
        "支付平台回调消息丢失。",
        "人工补单，排查回调队列。",
        "余额已到账，客户确认。",
        "回调消息增加对账补偿任务。",
        ["minor"],
        ["high", "medium"],
        "billing_recharge",
    ),
    (
        "ivr",
        "10086 IVR 语音播报中断",
        "客服中心反映：用户拨打 10086 听到一半语音就断了，转人工也接不通。",
        "IVR 流程文件发布不完整。",
        "回退到上一版本 IVR 流程。",
        "语音播报恢复正常。",
        "IVR 流程发布前做全流程拨测。",
        ["severe", "moderate"],
        ["high"],
        "ivr_broken",
    ),
    (
        "ivr",
        "坐席工号签入失败",
        "客服中心 {value} 个坐席早班签入时提示“工号已在其他地点登录”。",
        "CTI 服务器会话未释放。",
        "清理 CTI 残留会话。",
        "坐席全部签入成功。",
        "CTI 增加会话超时自动释放。",
        ["minor", "moderate"],
        ["high", "medium"],
        "ivr_login",
    ),
    (
        "settlement",
        "SP 结算文件生成失败",
        "财务部反映：本月 SP 合作方结算文件未按时生成，合作方在催。",
        "结算规则表中新增合作方代码缺失。",
        "补录合作方代码，重新生成结算文件。",
        "结算文件已生成并发送财务。",
        "新合作方入网流程增加结算配置检查。",
        ["moderate"],
        ["medium", "high"],
        "settlement_file",
    ),
    (
        "dw",
        "经营日报数据不准",
        "市场部反映：昨天经营日报中新增用户数比 CRM 实际少了 {value} 户。",
        "ETL 增量抽取时间戳判断遗漏跨零点数据。",
        "修正抽取条件并重跑昨日数据。",
        "日报数据与 CRM 一致。",
        "关键指标增加源端与仓库端自动对账。",
        ["minor", "moderate"],
        ["medium", "low"],
        "dw_report",
    ),
    (
        "office",
        "电脑无法连接打印机",
        "{hall}前台电脑无法连接打印机，提示脱机。",
        "打印机 IP 地址被 DHCP 重新分配。",
        "为打印机绑定固定 IP。",
        "打印恢复正常。",
        "营业厅打印机统一使用固定地址。",
        ["minor"],
        ["medium", "low"],
        "office_printer",
    ),
    (
        "office",
        "办公电脑中了勒索病毒提示",
        "{hall}一台电脑弹窗提示文件被加密，已拔网线。",
        "员工打开了钓鱼邮件附件。",
        "隔离终端，重装系统，从备份恢复文件。",
        "终端已恢复，未扩散。",
        "开展钓鱼邮件识别培训，升级终端防护。",
        ["moderate"],
        ["high"],
        "office_virus",
    ),
    (
        "network",
        "营业厅网络中断",
        "{hall}所有业务终端无法访问内网，营业暂停。",
        "营业厅接入交换机电源故障。",
        "更换交换机电源，临时启用 4G 备份线路。",
        "营业厅网络恢复。",
        "营业厅接入设备配置双电源。",
        ["severe", "moderate"],
        ["high"],
        "hall_network",
    ),
]

# Service requests (服务请求): (system, title, description, impacts,
# urgencies, category xml id).
REQUESTS = [
    (
        "crm",
        "申请开通 CRM 营业员工号（{value} 人）",
        "{hall}新入职营业员 {value} 名，申请开通 CRM 工号及开户、缴费权限，附审批单。",
        "category_service_business_process_change",
    ),
    (
        "crm",
        "申请调整营业员工号权限",
        "{hall}店长调岗，需要收回原工号的退费审批权限。",
        "category_service_business_process_change",
    ),
    (
        "billing",
        "申请上线新资费“5G 畅享 {value} 元”",
        "市场部新套餐下月 1 日上线，申请计费系统配置资费并安排测试。",
        "category_service_business_process_change",
    ),
    (
        "billing",
        "申请批量调整用户账期",
        "政企集团客户 {value} 户申请将账期调整为季度结算。",
        "category_service_business_schedule_change",
    ),
    (
        "dw",
        "申请提取 {month} 高额欠费用户清单",
        "用于催缴：欠费 500 元以上用户，字段含号码、欠费金额、归属营业厅。",
        "category_service_business_backlog",
    ),
    (
        "dw",
        "申请导出政企客户合同到期清单",
        "政企客户部需要下季度合同到期客户清单，用于续约走访。",
        "category_service_business_backlog",
    ),
    (
        "settlement",
        "申请调整 SP 分成比例",
        "根据新签协议，合作方“{value}号 SP”分成比例从 30% 调整为 35%，下月生效。",
        "category_service_business_process_change",
    ),
    (
        "ivr",
        "申请新增 IVR 节点“宽带报障”",
        "客服中心需要在 IVR 一级菜单新增宽带报障自助节点。",
        "category_service_business_process_change",
    ),
    (
        "ivr",
        "申请新增客服坐席工号 {value} 个",
        "客服中心新批次坐席上岗，申请开通 CTI 工号和质检录音权限。",
        "category_service_business_process_change",
    ),
    (
        "office",
        "申请开通 VPN 远程账号",
        "因值班需要，申请开通 VPN 远程访问账号，期限 3 个月。",
        "category_service_business_process_change",
    ),
    (
        "office",
        "新员工办公电脑领用",
        "{hall}新员工下周一入职，需要一台办公电脑并安装营业客户端。",
        "category_service_business_process_change",
    ),
]

# Complaints (抱怨) about the IT service, and their answer.
COMPLAINTS = [
    (
        "crm",
        "营业厅投诉 CRM 系统经常卡顿",
        "{hall}反映最近一周 CRM 下午高峰经常卡顿，客户排长队，意见很大，"
        "希望 IT 尽快解决。",
        "高峰期报表查询与业务办理共用数据库。",
        "报表查询迁移到只读备库，优化高峰期批量任务。",
        "卡顿明显改善，已向营业厅反馈。",
        "建立高峰期性能巡检。",
    ),
    (
        "dw",
        "市场部投诉取数需求超期",
        "上周提交的取数需求到现在还没给，影响月度经营分析会，希望给个明确时间。",
        "取数需求集中，排期未及时告知需求方。",
        "当天完成取数，与需求方确认后续排期。",
        "需求方已收到数据。",
        "取数需求受理后 1 个工作日内反馈排期。",
    ),
    (
        "ivr",
        "客服中心投诉故障通报不及时",
        "昨晚热线中断 20 分钟，客服中心是从用户投诉才知道的，没收到任何故障通报。",
        "故障通报短信名单未更新。",
        "更新通报名单，补发故障说明。",
        "客服中心已确认。",
        "通报名单每月核对一次。",
    ),
    (
        "billing",
        "财务部对出账延迟不满意",
        "本月出账比计划晚了半天，财务月报受影响，要求说明原因。",
        "出账前变更未充分测试。",
        "向财务部说明原因及改进措施。",
        "财务部已认可说明。",
        "出账前一周冻结非紧急变更。",
    ),
]

# Declarations screened out: (title, description, screening state, note).
SCREENED_OUT = [
    (
        "咨询：怎么查询手机话费",
        "有用户打到 IT 服务台咨询话费查询方法。",
        "invalid",
        "个人用户咨询，已告知拨打 10086。",
    ),
    (
        "重复报障：CRM 开户超时",
        "与上一张工单为同一故障。",
        "invalid",
        "重复申报，已合并到原工单处理。",
    ),
    (
        "合作方咨询接入短信平台价格",
        "某公司来电咨询短信平台接入报价。",
        "out_of_scope",
        "商务咨询，已转政企客户部销售跟进。",
    ),
    ("测试工单，请忽略", "新员工培训时误提交。", "invalid", "测试数据，无需处理。"),
]

# Knowledge articles (知识库): key → (system, title, symptom, cause, solution).
ARTICLES = {
    "crm_timeout": (
        "crm",
        "CRM 开户提交超时的处理",
        "营业厅开户提交后长时间转圈，提示系统繁忙。",
        "号码资源接口超时或锁表。",
        "检查号码资源接口状态，清理锁表后重启接口服务；持续超时时切换到备用节点。",
    ),
    "crm_cert": (
        "crm",
        "营业员 U 盾证书过期无法登录",
        "登录 CRM 提示证书无效。",
        "U 盾证书到期。",
        "在证书管理平台为工号续期，远程协助营业员更新证书。",
    ),
    "crm_print": (
        "crm",
        "CRM 发票打印乱码",
        "发票部分字段显示为方框或乱码。",
        "终端缺少打印字体。",
        "下发最新打印控件和字体包，重启浏览器后重新打印。",
    ),
    "billing_rate": (
        "billing",
        "套餐外流量扣费异常排查",
        "用户套餐内流量未用完却被收取套餐外费用。",
        "流量包优先级或生效时间配置错误。",
        "核对资费配置中流量包优先级和生效时间，修正后批量重算并退费。",
    ),
    "billing_close": (
        "billing",
        "出账进度落后的应急处理",
        "出账进度明显落后于计划。",
        "账务进程并发不足或资源被占用。",
        "检查账务进程并发参数，暂停非出账批处理，必要时启用临时计算节点。",
    ),
    "billing_recharge": (
        "billing",
        "充值成功但余额未到账",
        "支付成功，账户余额未增加。",
        "支付回调消息丢失。",
        "在账务系统按支付流水人工补单，并检查回调队列积压。",
    ),
    "ivr_broken": (
        "ivr",
        "IVR 语音播报中断",
        "用户拨打热线语音播报中途中断。",
        "IVR 流程文件发布不完整。",
        "回退到上一版本流程，拨测通过后再重新发布。",
    ),
    "ivr_login": (
        "ivr",
        "坐席工号签入提示已在其他地点登录",
        "坐席签入失败，提示工号已登录。",
        "CTI 残留会话未释放。",
        "在 CTI 管理台清理该工号会话后重新签入。",
    ),
    "settlement_file": (
        "settlement",
        "SP 结算文件生成失败",
        "结算文件未按时生成。",
        "合作方代码或结算规则缺失。",
        "补录合作方代码和结算规则，重新生成结算文件并通知财务。",
    ),
    "dw_report": (
        "dw",
        "经营日报数据与源系统不一致",
        "日报指标与 CRM、计费实际数据有差异。",
        "ETL 抽取条件遗漏或源文件迟到。",
        "核对抽取条件和源文件到达时间，修正后重跑当日 ETL。",
    ),
    "office_printer": (
        "office",
        "营业厅打印机脱机",
        "电脑显示打印机脱机。",
        "打印机地址变化。",
        "为打印机绑定固定 IP，重新添加打印机。",
    ),
    "hall_network": (
        "network",
        "营业厅网络中断应急处理",
        "营业厅所有终端无法访问内网。",
        "接入交换机或专线故障。",
        "检查交换机电源和专线状态，故障时启用 4G 备份线路并报修。",
    ),
}

# Problems (问题): (system, title, description, root cause, workaround,
# permanent fix, state, fault key whose incidents it links).
PROBLEMS = [
    (
        "crm",
        "CRM 高峰期开户超时反复出现",
        "近两个月营业厅多次报 CRM 开户超时。",
        "号码资源接口在高并发下锁表。",
        "超时时清理锁表并重启接口服务。",
        "号码资源接口改为乐观锁，并做分库。",
        "resolved",
        "crm_timeout",
    ),
    (
        "billing",
        "新资费上线后扣费异常",
        "新套餐上线后多次出现扣费异常投诉。",
        "资费配置缺少上线前复核。",
        "发现后修正配置并批量退费。",
        "资费配置增加自动化测试和双人复核。",
        "known_error",
        "billing_rate",
    ),
    (
        "ivr",
        "坐席签入失败频发",
        "坐席早班签入失败每周都有。",
        "CTI 会话超时参数过长。",
        "人工清理残留会话。",
        "",
        "investigating",
        "ivr_login",
    ),
    (
        "dw",
        "经营日报数据多次不准",
        "日报数据与源系统差异反复出现。",
        "源文件到达时间不稳定，ETL 没有等待机制。",
        "手工补采重跑。",
        "ETL 增加源文件到达检测和自动补采。",
        "closed",
        "dw_report",
    ),
    (
        "network",
        "营业厅网络单点故障",
        "营业厅网络中断多次影响营业。",
        "营业厅接入为单电源、单线路。",
        "启用 4G 备份线路。",
        "",
        "new",
        "hall_network",
    ),
]

# Major incidents' reviews and improvement actions (P1).
MAJOR_LESSONS = [
    "故障发现依赖用户投诉，监控覆盖不足；应急预案未明确通报顺序。",
    "变更未经充分测试即上线；回退方案不完整，恢复时间过长。",
    "主备切换演练不足，切换步骤依赖个人经验。",
]
IMPROVEMENTS = [
    ("corrective", "补充关键业务拨测监控"),
    ("preventive", "完善故障应急预案并组织演练"),
    ("corrective", "修订变更上线测试清单"),
    ("preventive", "主备切换操作手册化并每季度演练"),
    ("preventive", "故障通报名单每月核对"),
]

SATISFIED = [
    "处理及时，谢谢！",
    "问题已解决，满意。",
    "响应很快，点赞。",
    "工程师很耐心。",
]
NEUTRAL = ["问题解决了，但等了比较久。", "基本解决，希望以后通知及时一些。"]
DISSATISFIED = [
    "处理太慢，影响营业厅办理业务。",
    "同样的问题已经出现好几次了，希望彻底解决。",
    "没有人主动反馈进展，体验很差。",
]

SPOT_CHECK_NOTES = {
    "pass": "",
    "fail": [
        "解决记录过于简单，未写明根本原因。",
        "未在时限内响应，也未说明原因。",
        "未回访报告人确认结果。",
    ],
}
