// Which companies a post is about: names as the text writes them, codes as written or from the
// directory, most important first. Pure: a function of the text and the directory.
//
// Evidence, strongest first:
//   1. a code right after a name: 川恒股份（002895．SZ）, 腾讯控股(00700.HK), （股票代码：002594）,
//      (NYSE: BABA); also SH600519, 300750.SZ, NASDAQ: PDD, 港股 00700 in running text;
//   2. a directory alias (one Aho–Corasick pass). Aliases that are everyday words (苹果, 理想,
//      大众) count only with context: another alias of the company, a business word or a model
//      name after them (一加9R), a market word before, or a place in a list of companies;
//   3. a legal name (…有限公司) and its short form （下称“耐看娱乐”）;
//   4. a run of CJK (or Latin) characters ending in a company suffix (股份, 科技, 集团, 汽车 …),
//      cut at a word boundary on its left, rejected when the part before the suffix is or ends in
//      a generic word (新能源汽车, 智能电动汽车) or an industry word follows (电子信息制造业), and
//      kept when the text confirms it (seen twice, in the title, or doing business: a figure or
//      an action after it, past a date or an adverb — 溯光汽车 9 月交付量为…, 墨川汽车则表示);
//   4b. a bare name (no suffix) as the subject of its clause: of a share or a rank in a ranking
//      of several (朔风以1300万台的出货量排名第一；弈川排名第三；墨澜和苍梧分别以…), or of
//      figures and company actions twice, or once and in the title (中创新航正式提交…);
//      a name in quotes after 公司/企业 that does business (机器人企业「弈衡智能」宣布完成…);
//   5. unknown names listed beside known companies (宁德时代、LG新能源、PEVE、塔菲尔), or in a
//      list the text counts as companies (A、B、C、D 4 家造车新势力), including lists of stock
//      moves (胜宏科技涨7%，和林维纳，联创电子涨6%) and the headings of a roundup (one line each);
//   6. a recurring name a known company deals with (有赞与校管家, 投资校管家), its extent read from
//      how often each length recurs;
//   7. Latin names the text keeps coming back to (Knowunity) that are not people or jargon.
// Credits (来源：同花顺, 据新浪科技报道) and brokers quoted for an opinion are not what a post is about.
// Every pass is linear in the text: a handful of regular expressions and one automaton, never one
// expression per alias.

import type { CompanyRef } from '../types.ts';
import { bareCode, foldText, normaliseCode, type CodeHint, type Company, type CompanyDirectory } from './directory.ts';

export interface ArticleInput {
  title: string;
  text: string;
  published: Date | null;
}

export interface CompanyFindings {
  companies: CompanyRef[];
  /** Name↔code pairs the text states (`川恒股份（002895）`), codes normalised, for learning. */
  pairs: { name: string; code: string }[];
}

/** At most this many companies per post: beyond that a list is a ranking table. */
const MAX_COMPANIES = 40;
/** Only the start of a very long post is read: companies are named early, and the bound keeps
 * a pathological post (a megabyte without a break) from stalling the enricher. */
const MAX_TEXT_CHARS = 200_000;
/** Bounds on the distinct names a pass examines in one post. */
const MAX_FOUND_NAMES = 300;
const MAX_NAME_CHARS = 16;
const MAX_LATIN_CHARS = 40;
/** A stranger in a list or a partner is at most this many CJK characters. */
const MAX_STRANGER_CHARS = 6;
/** A subject is read from a run of at most this many CJK characters before its predicate (a
 * description and the name: 动力电池独角兽中创新航); a longer run is a phrase, not a name. */
const MAX_SUBJECT_RUN = 16;
/** Bound on the predicates a post's subjects are read from. */
const MAX_SUBJECT_MATCHES = 2_000;

// ─── Characters ─────────────────────────────────────────────────────────────────────────────

function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}
function isLatin(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0x24f);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A set of words looked up by position: which word starts (or ends) here. Replaces loops of
 * `startsWith`/`lastIndexOf` over hundreds of words, which made a scan quadratic. */
class WordSet {
  private readonly words: Set<string>;
  private readonly lengths: number[];
  /** First characters of the words: most places start none, and are passed over at once. */
  private readonly firsts: Set<string>;

  constructor(words: readonly string[]) {
    this.words = new Set(words.map((w) => foldText(w)).filter(Boolean));
    this.lengths = [...new Set([...this.words].map((w) => w.length))].sort((a, b) => b - a);
    this.firsts = new Set([...this.words].map((w) => w[0]!));
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** Length of the longest word starting at `at` and ending by `limit`, else 0. */
  longestAt(text: string, at: number, limit = text.length, minLength = 1): number {
    if (!this.firsts.has(text[at]!)) return 0;
    for (const n of this.lengths) if (n >= minLength && at + n <= limit && this.words.has(text.slice(at, at + n))) return n;
    return 0;
  }

  /** True when the text ends with a word shorter than the text. */
  endsWithin(text: string, minLength = 1): boolean {
    for (const n of this.lengths) if (n >= minLength && n < text.length && this.words.has(text.slice(text.length - n))) return true;
    return false;
  }

  /** The end of the last word lying wholly inside [from, to) and ending before `before`. */
  lastEndIn(text: string, from: number, to: number, before: number, minLength = 1): number {
    let best = -1;
    for (let p = from; p < to; p++) {
      if (!this.firsts.has(text[p]!)) continue;
      for (const n of this.lengths) {
        if (n < minLength || p + n > before || p + n <= best) continue;
        if (this.words.has(text.slice(p, p + n))) {
          best = p + n;
          break;
        }
      }
    }
    return best;
  }
}

/** Characters that almost never sit inside a company name but often right before or after one:
 * a scan for a name stops at them. */
const FUNCTION_CHARS = new Set('的了是在被把将已也就还又却则着过吗呢吧啊们与和及或对从向为等这该其并但而由据让给于很最更都所'.split(''));

// ─── Word lists ─────────────────────────────────────────────────────────────────────────────

/** Suffixes that are as often an industry as a name's end (统计数据, 私有云, 分布式光伏): a name
 * with one counts only when the text has it report or do business, not merely repeat it. */
const WEAK_SUFFIX_LIST = ['信息', '数据', '云', '光伏', '装备', '电池'];
const SUFFIXES = [
  '股份有限公司', '有限责任公司', '有限公司', '新能源', '机器人', '半导体', '微电子', '股份', '科技', '集团', '汽车',
  '控股', '电子', '能源', '医疗', '智能', '娱乐', '银行', '证券', '保险', '药业', '电气', '时代', '动力', '电器',
  '光电', '生物', '医药', '制药', '材料', '化学', '化工', '钢铁', '矿业', '资本', '创投', '网络', '软件', '传媒',
  '影业', '教育', '食品', '乳业', '酒业', '物流', '地产', '置业', '航空', '重工', '机械', '精密', '锂业', '锂能',
  '实业', '环保', '通信', '电力', '光学', '影视', '互娱', '游戏', '出行', '新能', '锂电', '高科', '通讯', '人寿',
  '财险', '航运', '百货', ...WEAK_SUFFIX_LIST,
];
const SUFFIX_RE = new RegExp([...SUFFIXES].sort((a, b) => b.length - a.length).join('|'), 'g');
const SUFFIX_SET = new WordSet(SUFFIXES);
const CHAIN_SUFFIXES = ['股份有限公司', '有限公司', '集团', '股份', '控股'];

/** Written right after a suffix, these show an industry or a product, not a company
 * (电子信息制造业, 智能驾驶, 能源转型, 证券时报). */
const INDUSTRY_TAILS = [
  '信息', '制造', '产业', '行业', '市场', '工业', '设备', '产品', '元件', '元器件', '技术', '领域', '板块', '赛道',
  '概念', '协会', '联盟', '研究', '学院', '大学', '部门', '专业', '工程', '系统', '装备', '驾驶', '座舱', '家居',
  '终端', '手机', '网联', '电池', '政策', '标准', '革命', '转型', '发展', '创新', '化', '性', '业', '界', '圈', '类',
  '领先', '水平', '服务', '解决', '应用', '平台', '基金', '指数', '板', '股', '车', '产能', '消费', '价格', '结构',
  '资源', '储能', '生态', '浪潮', '时代', '需求', '项目', '基地', '工厂', '芯片', '材料', '产业链', '报', '网', '经销',
  '商会', '生产', '产量', '务', '绩', '料', '内窥镜', '器械', '制品', '设施', '安全', '监管', '巨头', '龙头', '企业',
  '厂商', '品牌', '赛', '链', '池', '之家', '杂志', '新闻', '频道', '研报', '分析师', '研究员', '板块', '指标', '体系', '方案',
];

const INDUSTRY = new WordSet(INDUSTRY_TAILS);

/** Generic words: a name whose part before the suffix is made of these, or ends with one, is not
 * a name (新能源汽车, 国内科技, 跨国汽车, 协作机器人). */
const GENERIC_WORDS = [
  '新能源', '能源', '电动', '纯电', '智能', '传统', '燃油', '国产', '国内', '国外', '海外', '全球', '世界', '中国', '我国',
  '美国', '日本', '韩国', '德国', '欧洲', '欧美', '亚洲', '跨国', '自主', '合资', '外资', '内资', '民营', '国有', '国营',
  '央企', '地方', '头部', '龙头', '上市', '相关', '其他', '其它', '多家', '各家', '这家', '一家', '两家', '部分', '主要',
  '大型', '中型', '小型', '中小', '新型', '新兴', '高端', '高新', '科技', '互联网', '网络', '信息', '数字', '电子', '人工',
  '汽车', '乘用', '商用', '动力', '电池', '锂电', '储能', '光伏', '半导体', '芯片', '医疗', '生物', '器械', '娱乐', '影视',
  '文化', '金融', '证券', '保险', '银行', '投资', '资本', '控股', '集团', '股份', '公司', '企业', '行业', '产业', '市场',
  '工业', '制造', '服务', '平台', '明星', '知名', '老牌', '新锐', '独角兽', '创业', '初创', '科创', '实体', '虚拟', '消费',
  '家电', '手机', '通信', '软件', '硬件', '数据', '机器人', '协作', '物流', '零售', '电商', '社交', '游戏', '教育', '医药',
  '整车', '车企', '造车', '新势力', '领先', '先进', '未来', '现代', '产业链', '上游', '下游', '中游', '第一', '第二',
  '第三', '核心', '重点', '优质', '优秀', '高速', '快速', '稳定', '持续', '全新', '创新', '绿色', '低碳', '清洁', '节能',
  '环保', '安全', '化工', '化学', '材料', '新材料', '钢铁', '航空', '航天', '军工', '食品', '药业', '电气', '电器', '光电',
  '时代', '新时代', '大', '小', '新', '老', '该', '本', '此', '某', '各', '每', '同', '原', '前', '后', '子', '母', '总',
  '分', '全', '其', '两', '多', '几', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿',
  '轻', '重', '高', '低', '强', '弱', '内', '外', '上', '下', '中', '个', '家', '些', '种', '类', '级', '型', '式', '性',
  '空调', '家用', '民用', '工程', '基础', '公共', '城市', '农村', '乡村', '地产', '房地产', '物业', '建筑', '交通', '铁路',
  '电力', '电网', '发电', '风电', '水电', '核电', '煤炭', '石油', '天然气', '化石', '可再生', '国家', '政府', '省', '市',
  '县', '区', '镇', '村', '局', '部', '委', '厅', '院', '所', '校', '会', '社', '团', '队', '组', '室', '处', '科',
  '自动', '无人', '网约', '共享', '在线', '线上', '线下', '移动', '云', '端', '量子', '元宇宙', '区块链', '算力', '算法',
  '人工智能', '大数据', '物联网', '工业互联网', '出行', '运营', '生产', '研发', '销售', '营销', '供应', '需求', '数字化',
  '智能化', '电动化', '网联化', '自动驾驶', '金融科技', '硬科技', '黑科技', '高科技', '生命科学', '新消费', '进口', '出口',
  '柔性', '原创', '疫情', '一次性', '规上', '规模以上', '客户', '用户', '消费者', '合作方', '合作伙伴', '供应商', '经销商',
  '投资者', '股东', '员工', '团队', '产品', '技术', '业务', '项目', '公告', '报告', '官方', '战略', '本土', '民族', '头部',
  '车型', '品牌', '厂商', '玩家', '巨头', '同行', '对手', '伙伴', '机构', '资金', '基金', '专业', '中央', '全国', '行政',
  '豪华', '主流', '高档', '低端', '中端', '平价', '新车', '车辆', '纯电动', '混动', '插混', '增程', '氢能', '燃料',
  '碳酸锂', '氢氧化锂', '磷酸铁锂', '三元', '正极', '负极', '电解液', '隔膜', '铜箔', '铝箔', '锂', '钴', '镍', '硅',
  // Kinds of battery, cloud, solar and equipment: the words before 电池, 云, 光伏, 装备 that are not names.
  '刀片', '固态', '半固态', '钠离子', '锂离子', '铅酸', '圆柱', '方形', '软包', '大圆柱', '氢燃料', '燃料电池', '蓄', '太阳能',
  '钙钛矿', '晶硅', '电芯', '私有', '公有', '混合', '政务', '边缘', '专属', '分布式', '集中式', '户用', '屋顶', '海洋',
  '农机', '矿山', '国防', '轨道交通', '最新', '统计', '公开', '第三方', '监测', '调研', '财务', '经营', '海关', '手机厂商',
  '极耳', '全极耳', '无极耳', '叠片', '卷绕', '具身', '人形', '生成式', '四足', '仿生', '特种', '扫地', '割草', '手术',
  '服务型', '工业级', '消费级', '车规级',
  // Kinds of vehicle, boards of an exchange, and the parts of a figure's name (归母净利润).
  '轿车', '商用车', '客车', '货车', '卡车', '皮卡', '跑车', '主板', '科创板', '创业板', '新三板', '中小板', '北交所', '港股',
  '美股', 'a股', '归母', '扣非', '归属',
  // Regulators and central banks, and business lines an annual report breaks its figures into.
  '央行', '美联储', '联储', '国资委', '广告', '白酒', '啤酒', '饮料', '乳品', '冰箱', '彩电', '洗衣机', '手游', '端游', '直播',
  '外卖', '到店', '酒旅', '本地生活', '社区团购', '新零售', '会员', '订阅', '零部件', '配件', '内容', '版权', '视频', '音乐',
  '支付', '信贷', '理财', '财富', '资管', '投行', '经纪', '自营', '云计算', '云服务', '海外业务',
];
const GENERIC = new WordSet(GENERIC_WORDS);

/** Words left of a name that are not part of it (time words, adverbs, verbs, roles). */
const LEADING_NOISE = [
  '今年', '去年', '明年', '前年', '今日', '昨日', '近日', '日前', '目前', '此前', '此后', '随后', '之后', '之前', '同时',
  '其中', '另外', '此外', '以及', '包括', '例如', '比如', '譬如', '诸如', '尤其是', '特别是', '尤其', '特别', '分别是',
  '分别为', '分别', '依次', '相继', '先后', '纷纷', '已经', '正在', '将会', '还有', '不过', '然而', '但是', '而且', '并且',
  '虽然', '尽管', '因为', '由于', '所以', '因此', '如果', '只要', '只有', '截至', '截止', '根据', '按照', '通过', '凭借',
  '作为', '关于', '对于', '至于', '除了', '相比', '对比', '相较', '超越', '超过', '落后', '领先', '击败', '打败', '联合',
  '携手', '牵手', '联手', '收购', '并购', '入股', '投资', '参股', '起诉', '状告', '宣布', '发布', '公布', '披露', '表示',
  '透露', '获悉', '了解到', '获得', '完成', '实现', '成为', '成立', '创立', '创办', '孵化', '旗下', '全资子公司',
  '控股子公司', '子公司', '母公司', '合资公司', '公司', '企业', '供应商', '客户', '涉及', '覆盖', '选择', '签约', '签署',
  '达成', '交付', '采购', '订购', '购买', '出售', '转让', '剥离', '拆分', '分拆', '登陆', '递表', '冲刺', '闯关', '港股',
  '美股', 'a股', '沪市', '深市', '上半年', '下半年', '全年', '一季度', '二季度', '三季度', '四季度', '第一季度', '第二季度',
  '第三季度', '第四季度', '前三季度', '报告期内', '报告期', '同期', '当期', '当天', '当日', '当晚', '昨晚', '今晚', '昨夜',
  '本周', '上周', '本月', '上月', '我国', '国内', '国外', '海外', '全球', '国产', '我们', '他们', '龙头', '巨头', '老牌',
  '造车新势力', '新势力', '车企', '厂商', '品牌', '竞争对手', '对手', '劲敌', '同行', '友商', '合作伙伴', '伙伴', '大股东',
  '股东', '投资方', '投资人', '投资者', '一家', '两家', '三家', '多家', '各家', '每家', '拥有', '位于', '来自', '据悉',
  '据了解', '据介绍', '据报道', '数据显示', '显示', '认为', '指出', '强调', '介绍', '告诉', '看来', '方面', '首先', '其次',
  '最后', '然后', '接着', '此次', '本次', '这次', '首次', '再次', '仍然', '依然', '依旧', '继续', '持续', '不断', '逐步',
  '进一步', '正式', '终于', '率先', '最终', '共同', '一起', '获取', '引入', '引进', '加入', '进入', '退出', '联合创始人',
  '创始人', '董事长', '总裁', '首席执行官', '官方', '官宣', '宣告', '推出', '领投', '跟投', '参投', '担任', '出任', '受命',
  '加盟', '离开', '就职', '任职', '亿元', '万元', '美元', '港元', '欧元', '日元', '亿', '万', '元', '含', '设立', '注资',
  '出资', '控制', '持有', '认购', '增资', '参与', '建设', '打造', '推动', '助力', '赋能', '服务', '支持', '帮助',
  '上文', '下文', '本文', '前文', '来源', '其他', '其它', '一些', '部分', '所有', '全部', '当年', '当季', '同年', '次年',
  '致使', '导致', '使得', '带动', '拉动', '促使', '造成', '推高', '拖累',
];
const NOISE = new WordSet(LEADING_NOISE);
/** Single characters stripped from the front of a name anywhere (a single character is
 * otherwise stripped only right after a number: 10月|哪吒汽车, 11家|跨国…). */
const LEADING_SINGLE = new Set('以即仍均皆另若如像令经距离随凭靠按较连称及至到当因仅才再每各含'.split(''));
const AFTER_NUMBER = new Set('年月日号家个位名款辆台部只次起亿万元'.split(''));

/** Role nouns: in `全球内窥镜龙头奥林巴斯（7733．T）` the name starts after the last one. */
const ROLE_WORDS = [
  '龙头', '巨头', '公司', '企业', '厂商', '制造商', '供应商', '运营商', '开发商', '服务商', '提供商', '品牌', '旗下',
  '港股', '美股', 'a股', '车企', '机构', '对手', '客户', '伙伴', '独角兽', '新贵', '老牌', '同行', '投资方', '股东', '平台',
  '概念股',
];

const ROLES = new WordSet(ROLE_WORDS);

/** After a name, these make it a company in context (美的集团, 苹果概念股, 理想ONE, 完成融资). */
const BUSINESS_AFTER =
  /^(?:公司|集团|股份|控股|概念股|股价|市值|官方|官网|旗下|董事长|创始人|总裁|ceo|首席|财报|年报|季报|半年报|营收|营业收入|收入|净利|利润|亏损|销量|销售额|交付|出货|装机|市占|市场份额|份额|发布|宣布|回应|公告|披露|股票|涨|跌|大涨|大跌|跟涨|收涨|收跌|门店|供应链|订单|完成|获得|获投|融资|估值|上市|ipo|递表|招股书|成立于|总部|估值)/;
const MARKET_BEFORE = /(?:港股|美股|a股|科创板|创业板|概念股|龙头|巨头)$/;

/** What news puts between a company and what it did: closing quotes, adverbs, a date or a
 * period, a scope (溯光汽车 9 月交付量, 溪禾于9月发布, 曜辰电池海外收入, 墨川汽车则表示). */
const FILLER = String.raw`[\s」』”"’)）]*(?:(?:则|也|还|已经|已|均|都|仍|正式|今晚|今日|近日|日前|此前|同期|当月|单月|全年|今年|去年|上半年|下半年|前三季度|第?[一二三四]季度|分别|于?\s*\d{1,2}\s*(?:-\s*\d{1,2}\s*)?月份?(?:\s*\d{1,2}\s*日)?|\d{4}\s*年(?:\s*\d{1,2}\s*月份?)?|海外|国内|全球|线上|线下|终端|整体|累计|月度|年度|总)\s*){0,3}`;
const FIGURE_LINK = String.raw`(?:同样|也|亦|均|则)?(?:为|达到|达|约为|约|超过|超|突破|仅为|仅|高达|共计|合计|录得|(?:提升|上升|攀升|下降|降|升|增)至)?\s*[:：]?\s*\d`;
/** Figures a company reports: `营收为12亿元`, `出货量1070万台`, `以110.3GWh位列`, `排名第三`. */
const FIGURE_WORDS = ['营收', '营业收入', '收入', '净利润', '净利', '净亏损', '毛利', '销量', '销售额', '交付量', '交付', '出货量', '出货', '装车量', '装机量', '产量', '订单量'];
const FIGURE_PREDICATE = `(?:${FIGURE_WORDS.join('|')})${FIGURE_LINK}`;
/** Figures only a competitor has, not a segment or a product line: a share or a place in a
 * ranking (云岫市场份额为17%, 弈川排名第三, 墨澜和苍梧分别以1000万台、900万台位列第四、第五). */
const SHARE_WORDS = ['市场份额', '份额', '市占率', '市占', '占有率'];
const PLACE_WORDS = ['排名', '位列', '位居', '排在', '分列', '稳居', '并列', '并排', '排'];
const RANK_PREDICATE = String.raw`(?:${SHARE_WORDS.join('|')})${FIGURE_LINK}|(?:以|凭借)(?:超过|超|近|约|逾)?\s*-?\s*\d|(?:${PLACE_WORDS.join('|')})第`;
/** What a company does, not a person or a product: report, raise money, list, launch. */
const ACTION_WORDS = ['公布', '披露', '宣布', '发布会', '召开', '推出', '完成', '获投', '成立于', '创立于', '总部位于', '总部设在', '递表', '递交', '提交', '赴港', '上市', 'ipo', '官宣', '专注于', '致力于', '深耕', '营收', '营业收入', '净利润', '净亏损', '销量', '交付', '出货量', '市场份额', '市占'];
const ACTION_PREDICATE = ACTION_WORDS.join('|');
/** After a suffix name, a figure or an action confirms it is a company (思皓新能源10月份订单量破万). */
const BUSINESS_NEAR = new RegExp(`^${FILLER}(?:${RANK_PREDICATE}|${FIGURE_PREDICATE}|${ACTION_PREDICATE}|表示|发布|回应|订单|股价|市值|财报|年报|季报|融资|估值)`);
/** A bare name (朔风, 中创新航) is read only as the subject of a figure or an action. */
const SUBJECT_PREDICATE = new RegExp(`(${RANK_PREDICATE})|(${FIGURE_PREDICATE})|(?:${ACTION_PREDICATE})`, 'g');
/** The filler that ends right before a predicate, read backwards only where a predicate is (a
 * pattern that may start anywhere would be tried at every character of every post). */
const FILLER_BEFORE = new RegExp(`${FILLER}$`);
/** The characters FILLER can end with; before any other there is no filler to read. */
const FILLER_LAST = new Set([...'则也还经已均都仍式晚日前期月份年度别外内球上下端体计总」』”"’)）', ' ', '\t', '\n', '\u00a0']);
const CONJUNCTIONS = new Set(['和', '与', '及', '、']);
const RANK_LATER = /市场份额|市占率|占有率|份额|(?:排名|位列|位居|排在|分列|稳居|并列)第/;
/** Common surnames: a two- or three-character name starting with one that only ever acts
 * (宣布, 推出, 召开) and reports no figure is more likely a person than a company. */
const SURNAMES = new Set(
  '王李张刘陈杨赵周吴徐孙胡朱何郭罗梁宋郑谢韩唐冯董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴钟汪任姜范姚谭廖邹熊陆郝孔崔邱秦史顾侯邵孟段钱汤尹黎贺赖龚雷马'.split(''),
);
/** A bare name that is a person's: a title before it, an honorific after it. */
const PERSON_BEFORE = /(?:创始人|董事长|ceo|总裁|首席执行官|总经理|负责人|合伙人|主席|经理|总监|记者|分析师|教授|博士|作者|兼|主任|书记|部长|市长|院士)\s*$/;
const PERSON_AFTER = /^(?:先生|女士|本人|教授|博士|院士|夫妇|曾任|出任|担任|称|说|直言|坦言)/;
/** Endings that make a bare subject a product, a period, a unit or a part of a business. */
const NOT_A_BARE_NAME =
  /(?:系列|家族|车型|版|款|机|屏|芯片|平台|业务|板块|产品|渠道|门店|手机|电脑|品类|市场|年|月|日|季|季度|周|天|期|线|部门|团队|方面|阶段|环节|模式|数据|报告|机构|基金|指数|策略|方案|计划|项目|集|件|号|台|辆|量|额|率)$|^(?:第[一二三四五六七八九十百\d]+(?:[季名位大家个次届期批轮年月天周代款方]|阶段|梯队|阵营|$)|约|超|近|逾|仅|共|每|该|本|其|此|这|那|某)|[一二两三四五六七八九十几数多][个家项位名款只台辆部次]/;
/** Conjunctions a clause may open with before its subject (但是华凌凭借…). */
const CLAUSE_OPENER = /(?:但是|可是|[而但并却又且])$/;
/** A name in quotes right after a word that says it is a company: 机器人企业「弈衡智能」. */
const QUOTED_COMPANY = /(?:公司|企业|车企|厂商|制造商|服务商|提供商|开发商|运营商|独角兽|新势力|初创)\s*[「『“"]([^」』”"\s，。、,]{2,12})[」』”"]/g;

/** After a name, these show where it ends (function characters do too). */
const RIGHT_WORDS =
  /^(?:签署|签订|分别|旗下|宣布|完成|获得|计划|拟|将|已|正式|首次|成功|近日|日前|今年|去年|上半年|下半年|一季度|二季度|三季度|四季度|全年|董事|总裁|ceo|创始|方面|表示|称|认为|预计|股价|市值|营收|营业|净利|利润|亏损|收入|销量|销售|交付|出货|装机|市占|份额|排名|位列|位居|成立|发布|推出|上市|ipo|递表|提交|获|共|累计|总|同比|环比|实现|达到|达|超|突破|目前|此前|通过|凭借|作为|股票|公告|年报|财报|招股书|官方|官网|回应|今|近|再|又|正|首|最|此|虽|自|以|凭|因|更新|冲击|闯关|赴港|登陆|成为|能否|可能|也|还|仍|均|都|已经|正在|曾|不|没有|未|一直|始终|持续|继续|开始|决定|选择|拥有|推动|加速|主要|专注|致力|深耕|布局|进入|退出|向|与|和|及|等|对|在|于|为|是|的|则|就|而|但|却|并|所)/;

const RIGHT_WORD_STARTS = new Set(RIGHT_WORDS.source.replace(/^\^\(\?:|\)$/g, '').split('|').map((w) => w[0]!));

/** Stock moves in lists of movers: `胜宏科技涨7%`, `瑞声电子跟涨`. */
const STOCK_MOVE = /(?:涨超|跌超|大涨|大跌|收涨|收跌|涨|跌)\s*\d|涨停|跌停|跟涨|跟跌|领涨|领跌/;

/** Right around a list, these show it lists companies (…企业分别是：A、B、C; 从业者分别为A、B和C，
 * 市占率分别为…; A、B等车企). */
const COMPANY_NOUNS = '企业|公司|厂商|车企|品牌|玩家|从业者|巨头|龙头|客户|供应商|投资方|投资机构|机构|股东|对手|电池厂|厂家|造车新势力|新势力';
const LIST_BEFORE = new RegExp(`(?:${COMPANY_NOUNS})[^,，。；]{0,6}$|(?:领投|参投|跟投|投资方为|投资者包括)[^,，。；]{0,2}$`);
/** A list the text counts as companies (蔚来、小鹏、威马、理想 4 家造车新势力): its names are
 * companies even when none of them is known. */
const LIST_COUNTED_AFTER = new RegExp(`^\\s*(?:等等|等)?\\s*(?:\\d+\\s*家|[两三四五六七八九十]+家)\\s*(?:${COMPANY_NOUNS})`);
const LIST_AFTER = new RegExp(`^\\s*(?:等等|等)?\\s*(?:\\d+\\s*家|[两三四五六七八九十]+家|多家|几家|诸多|众多|一众)?(?:${COMPANY_NOUNS})|^\\s*[,，]?\\s*(?:的)?(?:市占率|市场份额|份额|营收|销量|装机量|出货量|分别|联合领投|领投|参投|跟投)`);

/** Latin words that are jargon, units or roles, not names. */
const LATIN_STOP = new Set(
  (
    'ipo ai ceo cto coo cfo cmo suv mpv ev evs phev bev gwh mwh kwh twh gw mw kw saas paas iaas gmv app apps it id pe pb roe top ' +
    'gdp cpi ppi cpu gpu npu soc eur usd cny rmb hkd nedc wltc rv smt ugc dram nand pvdf lfp ncm ctp cell pack b2b b2c o2o ' +
    'ar vr xr mr ok pro max plus mini lite ultra se air the and of for in on at by to a an is ui ux api sdk os ios android ' +
    'wifi 5g 4g pdf html http https www com cn net org io ltd inc co llc corp group holdings limited edu nev esg ' +
    'mou ma pr kol kpi okr hr cpc cdn idc crm erp oa bi ml dl nlp cv llm gpt chatgpt aigc iot pos sku spu dtc cagr yoy qoq ' +
    'q1 q2 q3 q4 h1 h2 fy ebit ebita ebitda eps roa fcf capex opex ttm tco bom oem odm ems fab euv duv cmos lcd oled led ' +
    'mini-led micro-led amoled tft hz nm mm cm km kg ml ppm dpi mah wh tops tflops pflops ghz mhz gb tb mb kb pcs unsplash ' +
    'pexels getty images photo via source news daily weekly report research data index fund capital ventures partners ' +
    'end new one plan b plan a tech ceo app store gen z z generation world cup'
  ).split(/\s+/),
);

/** After a name, attribution: the name is a source, not a subject (据新浪科技报道, 盖世汽车原创). */
const CREDIT_AFTER = /^\s*(?:报道|消息|原创|讯|记者|独家|获悉|了解到|发布的(?:报告|数据|研报)|数据显示|统计|援引|转载)/;
const CREDIT_BEFORE = /(?:据|来源[:：|]?|图源[:：|]?|图片来源[:：|]?|来自|转载自|本文为|本文来自|出品[:：|]?|编辑[:：|]?|作者[:：|]?|责任编辑[:：|]?|[|｜])\s*$/;
/** Brokers and research houses quoted for an opinion (中信证券也表示, 长江证券汽车行业分析师). */
/** After `向` and a name, a verb of telling: the name is the medium told (向新浪科技表示). */
const LISTENER_AFTER = /^\s*(?:表示|透露|称|介绍|说|坦言|独家|回应)/;
const ANALYST_NAME = /(?:证券|研究院|研究所|研究中心|咨询|资讯|research|研究)$/;
const OPINION_AFTER = /^.{0,16}?(?:分析师|研报|研究员|表示|指出|认为|预计|判断|统计|分析称|分析|数据显示|发布的报告|报告显示|给予|目标价)/;

/** Any company's people quoted for an opinion, or its research note (中金公司银行业分析师某某认为,
 * 某银行首席经济学家某某认为, 摩根士丹利在业绩发布后的报告中指出): the employer is a source. */
const STAFF_OPINION_AFTER = /^[^,，。；;]{0,10}?(?:分析师|经济学家|策略师|研究员|合伙人)[^,，。；;]{0,8}?(?:认为|表示|指出|预计|称|分析)/;
const NOTE_OPINION_AFTER = /^\s*在[^,，。；;]{0,14}?(?:研报|研究报告|报告)中?(?:指出|表示|认为|称|预计)/;
/** An investor in a round (本轮由红杉中国领投, 老股东某某继续超额跟投). */
const INVESTS_AFTER = /^[^,，。；;]{0,8}?(?:联合领投|领投|跟投|参投|追加投资)/;
/** An exchange written before a code (`HKEX：1698`, `NYSE: TME`): the listing, not a company. */
const CODE_PREFIX_SURFACE = /^(?:hkex|hk|nyse|nasdaq|sse|szse|港交所|上交所|深交所|纽交所|纳斯达克)$/;
const CODE_AFTER = /^\s?[:：]\s?[a-z0-9]/;

/** Lists of customers, investors, sponsors: the companies in them are not what the post is about
 * (…与特斯拉、宝马、现代等客户展开合作; 高瓴创投、礼来亚洲基金联合领投). */
const PERIPHERAL_NOUNS = '客户|投资方|投资机构|投资者|投资人|领投|参投|跟投|股东|保荐人|承销商|财务顾问|合作伙伴|供应商|合作方|标杆客户';
const PERIPHERAL_BEFORE = new RegExp(`(?:${PERIPHERAL_NOUNS})[^,，。；]{0,8}$`);
const PERIPHERAL_AFTER = new RegExp(`^[^,，。；]{0,8}?(?:${PERIPHERAL_NOUNS}|投行|机构)`);
/** A single mention as a deal's adviser or an exchange as the venue (向港交所递表). */
const ADVISER_BEFORE = /(?:保荐人为|保荐人|承销商为|财务顾问为|审计师为)\s*$/;
const ADVISER_AFTER = /^\s*(?:担任|为|作为)(?:独家|联席)?(?:保荐人|财务顾问|承销商)/;
const EXCHANGE_NAME = /(?:交易所|港交所|上交所|深交所|北交所|纳斯达克|纽交所)$/;
const VENUE_BEFORE = /(?:向|在|于|与|登陆|登录|通过|赴|至|到|递表|递交|瞄准|冲刺|闯关|转板)\s*$/;
const VENUE_AFTER = /^\s*(?:上市|递表|递交|主板|挂牌|聆讯|ipo|gem|创业板|披露|公告|的上市)/;
/** Footer lines: copyright notices and reposting terms. */
const BOILERPLATE_LINE = /版权声明|未经授权|不得转载|转载请|依法追究|经授权发布|本文来自|原文标题|责任编辑/;

// ─── The pass ───────────────────────────────────────────────────────────────────────────────

interface Candidate {
  key: string;
  company?: Company;
  /** Surface forms as written, with how often each appears. */
  surfaces: Map<string, number>;
  /** Normalised code the text writes for it. */
  code: string | null;
  first: number;
  inTitle: boolean;
  count: number;
}

interface Span {
  start: number;
  end: number;
  key: string;
  weak: boolean;
}

/** Where names stand in the text, indexed by start and end so that every question about a place
 * costs a few map lookups, not a walk over all spans (a long post has thousands). */
class SpanIndex {
  private readonly byStart = new Map<number, Span[]>();
  private readonly byEnd = new Map<number, Span[]>();

  add(span: Span): void {
    push(this.byStart, span.start, span);
    push(this.byEnd, span.end, span);
  }

  startingAt(at: number): readonly Span[] {
    return this.byStart.get(at) ?? [];
  }

  endingAt(at: number): readonly Span[] {
    return this.byEnd.get(at) ?? [];
  }

  /** The first span starting in [from, to) that passes the test. */
  findStartingIn(from: number, to: number, test: (s: Span) => boolean): Span | undefined {
    for (let p = from; p < to; p++) for (const s of this.byStart.get(p) ?? []) if (test(s)) return s;
    return undefined;
  }

  /** The first span that covers [from, to), non-weak ones only when asked. */
  covering(from: number, to: number, strongOnly = false): Span | undefined {
    for (let p = from; p >= Math.max(0, from - MAX_LATIN_CHARS); p--) {
      for (const s of this.byStart.get(p) ?? []) if (s.end >= to && !(strongOnly && s.weak)) return s;
    }
    return undefined;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Companies the post is about, most important first (title mentions and frequency), names as
 * they appear in the text, codes as written or from the directory; and the name↔code pairs the
 * text states, for the directory to learn. */
export function findCompanies(input: ArticleInput, directory: CompanyDirectory): CompanyFindings {
  const title = input.title ?? '';
  const text = (input.text ?? '').slice(0, MAX_TEXT_CHARS);
  const doc = title ? `${title}\n${text}` : text;
  const pass = new CompanyPass(doc, foldText(doc), title.length, directory);
  pass.readDirectoryMentions();
  pass.readCodes();
  pass.readSuffixNames();
  pass.readLegalNames();
  pass.readSubjects();
  pass.readQuotedNames();
  pass.readLists();
  pass.readHeadings();
  pass.readPartners();
  pass.readLatinNames();
  return pass.result();
}

class CompanyPass {
  private readonly byKey = new Map<string, Candidate>();
  private readonly pairs: { name: string; code: string }[] = [];
  /** Where directory aliases and confirmed names stand. */
  private readonly spans = new SpanIndex();
  private readonly weakMentions = new Map<string, { company: Company; alias: string; index: number }[]>();
  /** Suffix names that passed the shape checks but not (yet) confirmation: key → name. */
  private readonly shaped = new Map<string, string>();
  private readonly listed = new Set<string>();
  /** Lists of customers, investors and the like: [start, end). */
  private readonly peripheral: [number, number][] = [];
  private readonly codeStarts = new Set<number>();

  constructor(
    private readonly doc: string,
    private readonly folded: string,
    private readonly titleEnd: number,
    private readonly directory: CompanyDirectory,
  ) {}

  // ── 1. Codes ──

  readCodes(): void {
    // A code with its market written on it, anywhere. A bare number only inside brackets or after
    // 代码: a six-digit number in a sentence is an amount, a URL or a phone number.
    const marked =
      /(?<![a-z0-9./=_%&?#-])(?:(?:nasdaq|nyse|纳斯达克|纽交所)\s*[:：]\s*[a-z]{1,5}(?:\.[a-z]{1,2})?|(?:sh|sz|bj)\d{6}|\d{6}\.(?:sh|sz|ss|bj)|\d{1,5}\.hk|\d{4}\.(?:t|jp)|\d{6}\.(?:ks|kq)|\d{4}\.tw|[a-z]{1,5}\.(?:us|n|o|oq)|(?:港股|hk)\s*[:：]?\s*\d{4,5})(?![a-z0-9])(?![-/.]\d)/g;
    for (const m of this.folded.matchAll(marked)) this.codeAt(m.index, m[0], undefined);
    const bracketed =
      /[(（]\s*(?:(?:股票代码|证券代码|股份代号|股票代号|代码)\s*[:：]?\s*)?(?:(sh|sz|bj|hk|港股|a股|美股|沪市|深市)\s*[:：.]?\s*)?(\d{4,6}|[a-z]{2,5})\s*(?=[)）,，;；、])/g;
    for (const m of this.folded.matchAll(bracketed)) {
      const codeText = m[2]!;
      const start = m.index + m[0].length - codeText.length;
      const market = m[1];
      const hint: CodeHint | undefined =
        market === 'hk' || market === '港股' ? 'HK' : market === 'sh' ? 'SH' : market === 'sz' ? 'SZ' : market === 'bj' ? 'BJ' : undefined;
      if (/^[a-z]+$/.test(codeText)) {
        // Capitals in brackets are a ticker only when the directory knows it: (BABA) is, (SDS)
        // after 软件定义存储 is an abbreviation.
        const original = this.doc.slice(start, start + codeText.length);
        if (original !== original.toUpperCase() || !this.directory.lookup(original)?.codes.includes(original)) continue;
      } else if (codeText.length === 4 && hint !== 'HK') continue;
      this.codeAt(start, codeText, hint, m.index);
    }
    const labelled = /(?:股票代码|证券代码|股份代号)\s*[:：]?\s*(\d{6})(?!\d)/g;
    for (const m of this.folded.matchAll(labelled)) this.codeAt(m.index + m[0].length - 6, m[1]!, undefined);
  }

  private codeAt(start: number, codeText: string, hint: CodeHint | undefined, bracketAt?: number): void {
    if (this.codeStarts.has(start) || insideUrl(this.folded, start)) return;
    const code = normaliseCode(codeText.replace(/^(?:港股|hk)\s*[:：]?\s*/, 'HK'), hint);
    if (!code) return;
    this.codeStarts.add(start);
    let open = bracketAt;
    if (open === undefined) {
      // Back over spaces and a label (`股票代码：`, `NYSE:`) to a bracket; else the name ends
      // right before the code (`贵州茅台 600519.SH`).
      const back = this.folded.slice(Math.max(0, start - 12), start);
      const label = /[(（]?\s*(?:股票代码|证券代码|股份代号|代码|港股|美股)?\s*[:：]?\s*$/.exec(back)!;
      open = start - back.length + label.index;
    }
    let named = this.nameBefore(open, open, MAX_NAME_CHARS, true);
    if (named && /(?:指数|成指|综指|指)$/.test(named.name)) return; // 上证指数（000001）
    const byCode = this.directory.lookup(code);
    // Without a bracket, the words before a code are a name only when set apart by a space or
    // already a name of that company (`今日SH600519涨停` is not about a company called 今日).
    const bracketed = /[(（]/.test(this.folded[open] ?? '');
    if (named && !bracketed && !/\s/.test(this.folded[open - 1] ?? '') && !/\s/.test(this.folded[start - 1] ?? '') && byCode?.id !== this.directory.lookup(named.name)?.id) named = null;
    const company = byCode ?? (named ? this.directory.lookup(named.name) : undefined);
    if (named) {
      this.pairs.push({ name: named.name, code });
      const cand = this.candidate(company, named.name, named.start);
      cand.code ??= code;
      const end = named.start + named.name.length;
      if (!this.spans.startingAt(named.start).some((s) => s.end === end && !s.weak)) {
        this.addSurface(cand, named.name);
        this.spans.add({ start: named.start, end, key: this.keyOf(cand), weak: false });
      }
    } else if (company) {
      this.candidate(company, company.shortName || company.name, start).code ??= code;
    }
  }

  // ── 2. Directory aliases ──

  readDirectoryMentions(): void {
    for (const m of this.directory.mentions(this.doc, this.folded)) {
      const end = m.index + m.alias.length;
      this.spans.add({ start: m.index, end, key: m.company.id, weak: m.weak });
      if (m.weak) {
        const list = this.weakMentions.get(m.company.id) ?? [];
        list.push(m);
        this.weakMentions.set(m.company.id, list);
        continue;
      }
      this.addSurface(this.candidate(m.company, m.alias, m.index), m.alias);
    }
  }

  // ── 3. Legal names and their short forms ──

  readLegalNames(): void {
    const re = /(股份有限公司|有限责任公司|有限公司|集团公司)(?:[(（](?:以下简称|以下称|下称|下文简称|简称)[为:：]?\s*[“"‘「]([^”"’」]{2,12})[”"’」][)）,，])?/g;
    for (const m of this.folded.matchAll(re)) {
      const end = m.index + m[1]!.length;
      const named = this.nameBefore(end, end, 14);
      if (!named) continue;
      const shortAt = m[2] ? m.index + m[0].indexOf(m[2]) : -1;
      const short = shortAt >= 0 ? this.doc.slice(shortAt, shortAt + m[2]!.length) : undefined;
      const useShort = short !== undefined && !isGenericName(foldText(short)) && !/[《》]/.test(short);
      // A known company inside the legal name is that company: 上海璞泰来新能源科技股份有限公司.
      const inside = this.spans.findStartingIn(named.start, end, (s) => !s.weak && s.end <= end && !!this.byKey.get(s.key)?.company);
      const insideCompany = inside ? this.byKey.get(inside.key)?.company : undefined;
      const name = useShort ? short : inside && insideCompany ? this.doc.slice(inside.start, inside.end) : named.name;
      if (isGenericName(foldText(name)) || name.length < 2) continue;
      const company = this.directory.lookup(name) ?? this.directory.lookup(named.name) ?? insideCompany;
      const cand = this.candidate(company, name, named.start);
      if (!inside || useShort) this.addSurface(cand, name);
      this.spans.add({ start: named.start, end, key: this.keyOf(cand), weak: false });
    }
  }

  // ── 4. Names ending in a company suffix ──

  readSuffixNames(): void {
    const found = new Map<string, { name: string; starts: number[]; suffix: string }>();
    let lastEnd = -1;
    for (const m of this.folded.matchAll(SUFFIX_RE)) {
      if (m.index < lastEnd) continue;
      let end = m.index + m[0].length;
      // A chain of suffixes is one name: 大众汽车集团, 小米科技股份有限公司.
      for (let more = true; more; ) {
        more = false;
        const s = CHAIN_SUFFIXES.find((x) => this.folded.startsWith(x, end));
        if (s) {
          end += s.length;
          more = true;
        }
      }
      lastEnd = end;
      const named = this.nameBefore(end, m.index);
      if (!named) continue;
      const suffixLength = end - m.index;
      const prefix = foldText(named.name.slice(0, named.name.length - suffixLength));
      if (!this.wellShaped(prefix, named.start, m.index, end)) continue;
      const key = foldText(named.name);
      const entry = found.get(key) ?? { name: named.name, starts: [], suffix: m[0] };
      entry.starts.push(named.start);
      found.set(key, entry);
    }
    for (const [key, entry] of [...found].slice(0, MAX_FOUND_NAMES)) {
      const company = this.directory.lookup(entry.name);
      const occurrences = this.occurrences(key).filter((at) => !industryTail(this.folded, at + key.length));
      if (occurrences.length === 0) continue;
      const inTitle = occurrences.some((at) => at < this.titleEnd);
      const bounded = occurrences.some((at) => rightBoundary(this.folded, at + key.length));
      const business = occurrences.some((at) => businessNear(this.folded, at + key.length));
      const weak = WEAK_SUFFIX_LIST.some((w) => key.endsWith(w));
      const confirmed = weak ? business : inTitle || business || (occurrences.length >= 2 && bounded);
      if (!company && !confirmed) {
        this.shaped.set(nameKey(entry.name), entry.name);
        continue;
      }
      const cand = this.candidate(company, entry.name, occurrences[0]!);
      this.addSurface(cand, entry.name, 0);
      for (const at of occurrences) this.spans.add({ start: at, end: at + key.length, key: this.keyOf(cand), weak: false });
    }
  }

  /** The shape checks of a suffix name: a real prefix, not generic, not glued to an industry
   * word, and not the end of a directory alias (前国金证券 is 国金证券). */
  private wellShaped(prefix: string, start: number, suffixStart: number, end: number): boolean {
    if (prefix.length < 2 && !/^[a-z]/.test(prefix)) return false;
    if (/^[一二两三四五六七八九十几数多各每该本其这那][个家项位名款只台辆部次类种]/.test(prefix)) return false; // 两项数据
    if (/^[a-z0-9 .&-]+$/.test(prefix) && prefix.split(/\s+/).every((w) => LATIN_STOP.has(w))) return false;
    if (isGenericName(prefix) || GENERIC.endsWithin(prefix, 2)) return false;
    if (NOISE.longestAt(prefix, 0, prefix.length, 2) > 0) return false;
    if (industryTail(this.folded, end)) return false;
    return !this.spans.findStartingIn(start, end, (s) => s.end > suffixStart);
  }

  // ── 4b. Bare names as subjects ──

  /** Names without a suffix (朔风, 中创新航) read from what they do: the subject of a figure
   * (朔风以1300万台的出货量排名第一, 云岫出货量为1100万台) or of a company's action (中创新航正式
   * 提交…, 创新奇智成立于…), and names coordinated with it (墨澜和苍梧分别以…). Kept when the
   * text confirms it: two such mentions, or one and the title (not for what only a person would
   * do, 王某宣布…), or a share or a rank in a post that ranks three names or more. */
  readSubjects(): void {
    // Per name: where it stands as a subject (two predicates of one clause are one mention), and
    // how many of its predicates are figures and ranks.
    const found = new Map<string, { name: string; start: number; at: Set<number>; ranks: number; figures: number }>();
    const rankedKnown = new Set<string>();
    const f = this.folded;
    // exec on the shared pattern, not matchAll (which copies it per call): the pass is
    // synchronous and resets lastIndex first.
    const predicates = SUBJECT_PREDICATE;
    predicates.lastIndex = 0;
    for (let m, matches = 0; (m = predicates.exec(f)) && ++matches <= MAX_SUBJECT_MATCHES; ) {
      // The subject, and the names coordinated with it (A和B分别以…, A、B分别…), which share the
      // predicate; the first of them must open its clause.
      const chain: { name: string; start: number }[] = [];
      const knownKeys: string[] = [];
      let opensClause = false;
      let end = m.index;
      if (FILLER_LAST.has(f[end - 1] ?? '')) end -= FILLER_BEFORE.exec(f.slice(Math.max(0, end - 20), end))![0].length;
      for (let links = 0; links < 5; links++) {
        let e = end;
        while (e > 0 && (f[e - 1] === ' ' || f[e - 1] === '\u00a0')) e--;
        // A known company may share the predicate (创新奇智与旷视科技并排第三名).
        const known = this.spans.endingAt(e).find((s) => !s.weak);
        const named = known ? null : this.bareNameBefore(e);
        if (known) knownKeys.push(known.key);
        if (named) chain.push(named);
        const start = known?.start ?? named?.start;
        if (start === undefined) break;
        if (!CONJUNCTIONS.has(f[start - 1] ?? '')) {
          opensClause = known !== undefined || named!.opensClause;
          break;
        }
        end = start - 1;
      }
      if (!opensClause) continue;
      const figure = m[1] !== undefined || m[2] !== undefined;
      // A figure whose sentence goes on to a share or a rank is a competitor's (云岫出货量为1100万台，
      // 同比下降4%，市场份额同样为17%).
      const rank = m[1] !== undefined || (figure && RANK_LATER.test(sentenceAfter(f, m.index + m[0].length)));
      if (rank) for (const key of knownKeys) rankedKnown.add(key);
      for (const named of chain) {
        const key = foldText(named.name);
        let entry = found.get(key);
        if (!entry) {
          if (found.size >= MAX_FOUND_NAMES) break;
          entry = { name: named.name, start: named.start, at: new Set(), ranks: 0, figures: 0 };
          found.set(key, entry);
        }
        entry.at.add(named.start);
        if (rank) entry.ranks++;
        if (figure) entry.figures++;
      }
    }
    const ranked = rankedKnown.size + [...found.values()].filter((e) => e.ranks > 0).length;
    for (const [key, entry] of found) {
      const occurrences = this.occurrences(key);
      const inTitle = occurrences.some((at) => at < this.titleEnd);
      const mentions = entry.at.size;
      const personLike = entry.figures === 0 && key.length <= 3 && SURNAMES.has(key[0]!);
      if (!((!personLike && (mentions >= 2 || (mentions >= 1 && inTitle))) || (entry.ranks >= 1 && ranked >= 3))) continue;
      if (occurrences.some((at) => this.personAt(at, key.length))) continue;
      const cand = this.candidate(this.directory.lookup(entry.name), entry.name, entry.start);
      this.addSurface(cand, entry.name, 0);
      for (const at of occurrences) {
        if (!this.spans.covering(at, at + key.length)) this.spans.add({ start: at, end: at + key.length, key: this.keyOf(cand), weak: false });
      }
    }
  }

  /** The bare name that ends at `end` (spaces before it skipped): a short run of CJK characters
   * set off on its left, no directory name in it, shaped like a name and not like a phrase, a
   * period, a product or a name with a suffix (the suffix pass reads those). */
  private bareNameBefore(end: number): { name: string; start: number; opensClause: boolean } | null {
    const f = this.folded;
    let e = end;
    while (e > 0 && /\s/.test(f[e - 1]!)) e--;
    let i = e;
    let run = 0;
    while (i > 0) {
      const ch = f[i - 1]!;
      if (isCjk(f.charCodeAt(i - 1)) && !FUNCTION_CHARS.has(ch)) {
        if (++run > MAX_SUBJECT_RUN) return null;
        i--;
      } else if ((ch === '-' || ch === '·') && isCjk(f.charCodeAt(i - 2)) && isCjk(f.charCodeAt(i))) i--;
      else break;
    }
    if (run < 2) return null;
    // A verb or an adverb inside the run ends the name: 新光维|再闯IPO, 零跑汽车10月新车|共交付.
    for (let p = i + 2; p < e; p++) {
      if (RIGHT_WORD_STARTS.has(f[p]!) && RIGHT_WORDS.test(f.slice(p, p + 4))) {
        e = p;
        break;
      }
    }
    const named = this.nameBefore(e, e, MAX_SUBJECT_RUN);
    // Words dropped before the name are lead words (此外，|具体来看，|之前), not a character of a
    // longer word (再|生金属).
    if (!named || named.start < i || (named.start > i && !leadsToName(f.slice(i, named.start)))) return null;
    // It opens its clause when nothing but punctuation, a space or a number stands before the run
    // (not 的积分缺口).
    const opensClause = i === 0 || !isCjk(f.charCodeAt(i - 1)) || CLAUSE_OPENER.test(f.slice(Math.max(0, i - 2), i));
    const key = foldText(named.name);
    if (!/^[\u4e00-\u9fff]+$/.test(key.replace(/[-·]/g, '')) || !looksLikeStranger(key)) return null;
    if (GENERIC.endsWithin(key, 2) || SUFFIX_SET.endsWithin(key) || NOT_A_BARE_NAME.test(key) || EXCHANGE_NAME.test(key) || LEADING_SINGLE.has(key[0]!)) return null;
    if (this.spans.covering(named.start, named.start + 1) || this.spans.findStartingIn(named.start, e, (s) => s.end > named.start)) return null;
    return { ...named, opensClause };
  }

  /** True when the name at `at` is a person's (创始人兼CEO李明, 王先生). */
  private personAt(at: number, length: number): boolean {
    return PERSON_BEFORE.test(this.folded.slice(Math.max(0, at - 8), at)) || PERSON_AFTER.test(this.folded.slice(at + length, at + length + 4));
  }

  /** A name in quotes after a word that says it is a company: 机器人企业「弈衡智能」. */
  readQuotedNames(): void {
    if (!/[「『“"]/.test(this.folded)) return;
    let seen = 0;
    for (const m of this.folded.matchAll(QUOTED_COMPANY)) {
      if (++seen > MAX_FOUND_NAMES) break;
      const start = m.index + m[0].length - 1 - m[1]!.length;
      const end = start + m[1]!.length;
      const name = this.doc.slice(start, end);
      const key = foldText(name);
      if (/^\d/.test(key) || !looksLikeStranger(key) || /[《》]/.test(name)) continue;
      if (!businessNear(this.folded, end) && this.occurrences(key).length < 2) continue;
      if (this.spans.startingAt(start).some((s) => s.end === end && !s.weak)) continue;
      const cand = this.candidate(this.directory.lookup(name), name, start);
      this.addSurface(cand, name, 0);
      this.spans.add({ start, end, key: this.keyOf(cand), weak: false });
    }
  }

  // ── 5. Lists ──

  readLists(): void {
    let offset = 0;
    for (const clause of this.folded.split(/(?<=[。！？；;!?\n])/)) {
      if (clause.includes('、')) this.readEnumerations(clause, offset);
      if ((clause.match(/[,，]/g)?.length ?? 0) >= 2 && STOCK_MOVE.test(clause)) this.readMoverList(clause, offset);
      offset += clause.length;
    }
  }

  /** `A、B、C和D等`: unknown items count when known companies are among them. */
  private readEnumerations(clause: string, offset: number): void {
    for (const span of splitKeepingOffsets(clause, /[,，:：(（)）]/)) {
      if (!span.text.includes('、')) continue;
      const base = offset + span.offset;
      const parts = splitKeepingOffsets(span.text, /、/);
      const items: { name: string; start: number }[] = [];
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i]!;
        const at = base + part.offset;
        if (i === 0) {
          const named = this.nameBefore(at + part.text.length, at + part.text.length, MAX_NAME_CHARS, true);
          if (named && named.name.length <= 10) items.push(named);
          continue;
        }
        const whole = i < parts.length - 1 ? this.nameAfter(at, at + part.text.length, true) : null;
        if (whole) {
          items.push(whole);
          continue;
        }
        // The list ends in this part, maybe joining one more item: 幸福工厂和普生医疗的…
        const item = this.nameAfter(at, at + part.text.length, false);
        if (item) {
          items.push(item);
          const after = this.folded.slice(item.start + item.name.length, at + part.text.length);
          const conj = /^\s*(?:以及|和|及|与)/.exec(after);
          if (conj) {
            const second = this.nameAfter(item.start + item.name.length + conj[0].length, at + part.text.length, false);
            if (second) items.push(second);
          }
        }
        break;
      }
      if (items.length < 2) continue;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      const lastEnd = last.start + last.name.length;
      const before = this.folded.slice(Math.max(0, first.start - 12), first.start);
      const after = this.folded.slice(lastEnd, lastEnd + 12);
      if (PERIPHERAL_BEFORE.test(before) || PERIPHERAL_AFTER.test(after)) this.peripheral.push([first.start, lastEnd]);
      this.acceptList(items, LIST_BEFORE.test(before) || LIST_AFTER.test(after), LIST_COUNTED_AFTER.test(after));
    }
  }

  /** `港股比亚迪电子涨7%，通达集团，丘钛科技，舜宇光学科技涨超2.5%，瑞声电子跟涨`: names between
   * commas, several of them with a move, most of them known. */
  private readMoverList(clause: string, offset: number): void {
    const items: { name: string; start: number }[] = [];
    let movedItems = 0;
    for (const span of splitKeepingOffsets(clause, /[,，、]/)) {
      const text = span.text.replace(/[。！？；;!?\n]+$/, '');
      const move = STOCK_MOVE.exec(text);
      const head = move ? text.slice(0, move.index) : text;
      // The head is the name, or a market word and the name: `A股欧菲光`, `和林维纳`.
      const market = /^\s*(?:其中)?(?:港股|美股|a股|科创板|创业板|个股|概念股)?(?:方面)?\s*/.exec(head)![0];
      const name = head.slice(market.length).trim();
      if (name.length < 2 || name.length > 10 || !/^[\p{Script=Han}a-z0-9 &·-]+$/u.test(name)) continue;
      const start = offset + span.offset + market.length;
      items.push({ name: this.doc.slice(start, start + name.length), start });
      if (move) movedItems++;
    }
    if (items.length < 3 || movedItems < 2) return;
    if (items.filter((it) => this.knownAt(it.start, it.name)).length < 2) return;
    this.acceptList(items, false);
  }

  private acceptList(items: { name: string; start: number }[], context: boolean, counted = false): void {
    const known = items.map((it) => this.knownAt(it.start, it.name));
    const strong = known.filter((k) => k && !this.shaped.has(k)).length;
    const any = known.filter(Boolean).length;
    // A list of companies: enough known companies in it, or a company-shaped name and words
    // around the list that say it lists companies.
    const isCompanyList = (strong >= 1 && strong * 3 >= items.length) || (any >= 1 && context && any * 4 >= items.length) || counted;
    if (!isCompanyList) return;
    items.forEach((it, i) => {
      const k = known[i];
      if (k && !this.shaped.has(k)) {
        this.listed.add(k);
        return;
      }
      if (!k && !looksLikeStranger(it.name)) return;
      const name = this.doc.slice(it.start, it.start + it.name.length);
      const company = this.directory.lookup(name);
      const cand = this.candidate(company, name, it.start);
      this.addSurface(cand, name, 0);
      this.listed.add(this.keyOf(cand));
      this.spans.add({ start: it.start, end: it.start + name.length, key: this.keyOf(cand), weak: false });
    });
  }

  /** Roundups give each company a heading line of its own (小鹏汽车⏎10月份，小鹏汽车交付…;
   * 岚图⏎岚图free10月交付…): short lines that are only a name, read as a list of companies.
   * A heading no pass knows counts only when the text names it again. */
  readHeadings(): void {
    const items: { name: string; start: number }[] = [];
    let offset = this.titleEnd > 0 ? this.titleEnd + 1 : 0;
    // Three headings need four lines at least.
    for (let at = offset, lines = 0; lines < 4; lines++, at++) if ((at = this.doc.indexOf('\n', at)) < 0) return;
    let examined = 0;
    for (const line of this.doc.slice(offset).split('\n')) {
      const name = line.trim();
      const start = offset + line.indexOf(name);
      offset += line.length + 1;
      if (name.length < 2 || name.length > 12 || !/^[\p{Script=Han}a-z][\p{Script=Han}a-z0-9 ·\-－]*$/iu.test(name)) continue;
      if (++examined > MAX_FOUND_NAMES) break;
      if (!this.knownAt(start, name) && this.occurrences(foldText(name)).length < 2) continue;
      items.push({ name, start });
      if (items.length >= MAX_FOUND_NAMES) break;
    }
    if (items.length >= 3) this.acceptList(items, false);
  }

  /** The key of a company known at this place (directory alias, confirmed or shaped name). */
  private knownAt(start: number, name: string): string | undefined {
    const end = start + name.length;
    const span = this.spans.findStartingIn(start, end, (s) => s.end <= end && (s.end - s.start) * 2 >= name.length);
    if (span) return span.key;
    const key = nameKey(name);
    if (this.byKey.has(key) || this.shaped.has(key)) return key;
    return this.directory.lookup(name)?.id;
  }

  // ── 6. Partners of a known company ──

  /** `有赞与校管家`, `投资校管家`: a name a known company deals with, kept when it recurs; its
   * length is the longest prefix that recurs about as often as its first two characters. */
  readPartners(): void {
    const re = /(?:与|和|同|跟|联手|携手|牵手|战略投资|投资|收购|入股|起诉)/g;
    const tried = new Set<string>();
    let attempts = 0;
    for (const m of this.folded.matchAll(re)) {
      if (!this.spans.endingAt(m.index).some((s) => !s.weak)) continue;
      if (++attempts > MAX_FOUND_NAMES) break;
      const from = m.index + m[0].length;
      if (!isCjk(this.folded.charCodeAt(from)) || FUNCTION_CHARS.has(this.folded[from]!)) continue;
      const base = this.occurrences(this.folded.slice(from, from + 2)).length;
      if (base < 3) continue;
      let best = '';
      for (let length = 2; length <= MAX_STRANGER_CHARS; length++) {
        const piece = this.folded.slice(from, from + length);
        if (piece.length < length || !isCjk(piece.charCodeAt(length - 1)) || FUNCTION_CHARS.has(piece[length - 1]!)) break;
        const n = this.occurrences(piece).length;
        if (n >= 3 && n * 4 >= base * 3) best = piece;
        else break;
      }
      if (best.length < 3 || tried.has(best) || tried.size >= MAX_FOUND_NAMES) continue;
      tried.add(best);
      if (!this.plausiblePartner(best)) continue;
      const name = this.doc.slice(from, from + best.length);
      const cand = this.candidate(this.directory.lookup(name), name, from);
      this.addSurface(cand, name, 0);
    }
  }

  private plausiblePartner(name: string): boolean {
    if (isGenericName(name) || GENERIC.endsWithin(name, 2) || PLACE.test(name) || !looksLikeStranger(name)) return false;
    if (NOISE.longestAt(name, 0) > 0) return false;
    const occurrences = this.occurrences(name);
    // A place (宜春 → 宜春市), or a piece of a known name (宁德 of 宁德时代), is not a partner.
    if (occurrences.some((at) => /^(?:市|省|县|区|州|镇|政府)/.test(this.folded.slice(at + name.length, at + name.length + 2)))) return false;
    const free = occurrences.filter((at) => !this.spans.covering(at, at + name.length));
    return free.length >= 3 && free.filter((at) => rightBoundary(this.folded, at + name.length)).length >= 2;
  }

  // ── 7. Latin names ──

  readLatinNames(): void {
    if (!/[A-Z]/.test(this.doc)) return;
    const re = /(?<![A-Za-z0-9\u00c0-\u024f@/.:_-])[A-Z][A-Za-z0-9\u00c0-\u024f&'’-]*(?:[ .][A-Z0-9][A-Za-z0-9\u00c0-\u024f&'’-]*){0,3}(?![A-Za-z0-9\u00c0-\u024f@/_-])/g;
    const seen = new Map<string, { start: number; count: number; person: boolean; subject: boolean; model: number }>();
    for (const m of this.doc.matchAll(re)) {
      const name = m[0].replace(/[.\s]+$/, '');
      const key = foldText(name);
      if (name.length < 3 || LATIN_STOP.has(key) || key.split(/\s+/).every((w) => LATIN_STOP.has(w))) continue;
      if (/^[A-Z]+\d*$/.test(name) && name.length < 4) continue; // short capitals: jargon
      if (/^[A-Z]+\d+$/.test(name)) continue; // model numbers: EH216, IMX586
      if (insideUrl(this.folded, m.index)) continue;
      const entry = seen.get(key) ?? { start: m.index, count: 0, person: false, subject: false, model: 0 };
      entry.count++;
      // Right after a company's name it is a model: 哪吒U Pro, 理想ONE.
      if (this.spans.endingAt(m.index).length > 0) entry.model++;
      const before = this.folded.slice(Math.max(0, m.index - 10), m.index);
      const after = this.folded.slice(m.index + name.length, m.index + name.length + 8);
      if (
        /(?:创始人|ceo|首席执行官|合伙人|董事长|总裁|总监|分析师|总经理|主席|球员|运动员|教授|博士|作者|记者|编辑|主持人|演员)\s*$/.test(before) ||
        /^\s*(?:先生|女士|博士|教授|称|说|表示)/.test(after)
      )
        entry.person = true;
      if (/^\s*(?:的)?(?:总部|成立于|完成|获得|获投|宣布|发布|营收|收入|销量|市占|估值|融资|公司|集团|旗下|是一[家个]|公司本身)/.test(after)) entry.subject = true;
      seen.set(key, entry);
    }
    for (const [key, e] of seen) {
      if (e.person || e.model === e.count || this.spans.covering(e.start, e.start + 1)) continue;
      const name = this.doc.slice(e.start, e.start + key.length);
      const hasLower = /\p{Ll}/u.test(name);
      if (!(e.count >= 3 && hasLower) && !(e.subject && (hasLower || e.count >= 2))) continue;
      const cand = this.candidate(this.directory.lookup(name), name, e.start);
      this.addSurface(cand, name, 0);
    }
  }

  // ── Scanning for a name ──

  /** The name that ends at `end`: scans left from `scanFrom` (the suffix start, or `end`) over
   * name characters, stops at punctuation, numbers and function characters, then drops what
   * comes before the last role word and leading noise words. */
  private nameBefore(end: number, scanFrom = end, maxChars = MAX_NAME_CHARS, preferKnown = false): { name: string; start: number } | null {
    const f = this.folded;
    let i = scanFrom;
    // CJK characters are bounded by maxChars; Latin names (Electric Last Mile Solutions) by 40.
    const limit = Math.max(0, i - MAX_LATIN_CHARS);
    let cjk = 0;
    while (i > limit) {
      const c = f.charCodeAt(i - 1);
      const ch = f[i - 1]!;
      if (isCjk(c)) {
        if (FUNCTION_CHARS.has(ch) || cjk >= maxChars) break;
        cjk++;
        i--;
      } else if (isLatin(c) || ch === '&') i--;
      else if (isDigit(c) && i - 1 > limit && isLatin(f.charCodeAt(i - 2))) i--; // Prosperity7
      else if ((ch === ' ' || ch === '.') && isLatin(f.charCodeAt(i - 2)) && isLatin(f.charCodeAt(i))) i--; // Electric Last Mile
      else if ((ch === '-' || ch === '·') && i - 1 > limit && f.charCodeAt(i - 2) > 0x40 && f.charCodeAt(i) > 0x40) i--; // 梅赛德斯-奔驰
      else break;
    }
    let start = i;
    if (preferKnown) {
      // A known name that ends the run is the name: 来源包括|快手, 三大巨头|奥林巴斯.
      const known = this.spans.endingAt(end).find((s) => !s.weak && s.start >= start && s.start < end);
      if (known) return { name: this.doc.slice(known.start, end), start: known.start };
    }
    let j = start - 1;
    while (j >= 0 && f[j] === ' ') j--;
    let afterNumber = j >= 0 && isDigit(f.charCodeAt(j));
    let cut = ROLES.lastEndIn(f, start, scanFrom, scanFrom - 1);
    // In a long run a verb or time word inside ends what comes before: 刘静瑜受命担任|天马.
    if (scanFrom - start > 4) cut = Math.max(cut, NOISE.lastEndIn(f, start + 1, scanFrom, scanFrom - 2, 2));
    if (cut > start) start = cut;
    for (let changed = true; changed; ) {
      changed = false;
      const ch = f[start]!;
      // A word before a character: 当年|阿里云, not 当|年阿里云.
      const w = afterNumber ? 0 : NOISE.longestAt(f, start, scanFrom, 2);
      if (w && leavesName(f, start + w, scanFrom)) {
        start += w;
        changed = true;
        continue;
      }
      if ((LEADING_SINGLE.has(ch) || (afterNumber && AFTER_NUMBER.has(ch))) && leavesName(f, start + 1, scanFrom)) {
        start++;
        changed = true;
        afterNumber = false;
        continue;
      }
      if (afterNumber) {
        afterNumber = false;
        changed = true;
      }
    }
    while (start < end && f[start] === ' ') start++;
    if (end - start < 2) return null;
    const name = this.doc.slice(start, end).trim();
    const folded = f.slice(start, end).trim();
    if (!name || isGenericName(folded) || NOISE.has(folded)) return null;
    return { name, start };
  }

  /** A list item starting at `from`: name characters up to a function character, a number, a
   * space before CJK, or `to`. A middle item must fill its part. */
  private nameAfter(from: number, to: number, whole: boolean): { name: string; start: number } | null {
    const f = this.folded;
    let s = from;
    while (s < to && /[\s"“”'‘’《》「」]/.test(f[s]!)) s++;
    let e = s;
    while (e < to) {
      const c = f.charCodeAt(e);
      const ch = f[e]!;
      if (isCjk(c)) {
        if (FUNCTION_CHARS.has(ch) || (e > s && /[等均都也分共]/.test(ch)) || f.startsWith('以及', e)) break;
        // Latin then CJK: only a company suffix continues the name (Stellantis集团, not LG成为).
        if (e > s && isLatin(f.charCodeAt(e - 1)) && !SUFFIX_SET.longestAt(f, e)) break;
      } else if (isLatin(c) || ch === '&' || ch === '·' || ch === '-') {
        /* name characters */
      } else if (isDigit(c)) {
        if (e > s && isCjk(f.charCodeAt(e - 1))) break; // 理想 4 家
      } else if (!(ch === ' ' && isLatin(f.charCodeAt(e - 1)) && isLatin(f.charCodeAt(e + 1)))) break; // SK On
      e++;
    }
    let t = e;
    while (t > s && /[\s"“”'‘’《》「」]/.test(f[t - 1]!)) t--;
    if (whole && f.slice(e, to).trim().replace(/^["“”'‘’《》「」]+|["“”'‘’《》「」]+$/g, '') !== '') return null;
    let name = this.doc.slice(s, t);
    const tail = /(?:两家|三家|多家|等|品牌|企业|公司|车企|厂商|联合领投|领投|跟投|参投)$/.exec(foldText(name));
    if (tail && tail.index >= 2) name = name.slice(0, tail.index);
    if (name.length < 2 || name.length > 24) return null;
    return { name, start: s };
  }

  // ── Bookkeeping ──

  private readonly occurrenceCache = new Map<string, number[]>();

  /** Where a (folded) string occurs, remembered for the pass. */
  private occurrences(needle: string): number[] {
    let at = this.occurrenceCache.get(needle);
    if (!at) {
      at = occurrencesOf(this.folded, needle);
      this.occurrenceCache.set(needle, at);
    }
    return at;
  }

  private keyOf(cand: Candidate): string {
    return cand.key;
  }

  private candidate(company: Company | undefined, name: string, at: number): Candidate {
    const key = company ? company.id : nameKey(name);
    let cand = this.byKey.get(key);
    if (!cand) {
      cand = { key, company, surfaces: new Map(), code: null, first: at, inTitle: false, count: 0 };
      this.byKey.set(key, cand);
    }
    if (at < cand.first) cand.first = at;
    if (at < this.titleEnd) cand.inTitle = true;
    return cand;
  }

  /** Records a surface form; `times` mentions of it counted (0 when counted later). */
  private addSurface(cand: Candidate, surface: string, times = 1): void {
    const s = surface.trim();
    if (!s) return;
    cand.surfaces.set(s, (cand.surfaces.get(s) ?? 0) + times);
    cand.count += times;
  }

  // ── Result ──

  result(): CompanyFindings {
    this.resolveWeakMentions();
    const candidates = [...this.byKey.values()];
    // Found names: count every occurrence now that all are known.
    for (const cand of candidates) {
      if (cand.company && cand.count > 0) continue;
      let total = 0;
      for (const surface of cand.surfaces.keys()) {
        const at = this.occurrences(foldText(surface));
        cand.surfaces.set(surface, at.length);
        total += at.length;
        if (at.some((i) => i < this.titleEnd)) cand.inTitle = true;
      }
      cand.count = Math.max(cand.count, total, 1);
    }
    const gone = new Set<Candidate>();
    const kept = candidates.filter((cand) => {
      const drop = this.onlyCredited(cand) || this.absorbed(cand, candidates, gone);
      if (drop) gone.add(cand);
      return !drop;
    });
    const scored = kept
      .map((cand) => ({ cand, score: (cand.inTitle ? 6 : 0) + Math.min(cand.count, 30) + (cand.code ? 2 : 0) }))
      .sort((a, b) => b.score - a.score || a.cand.first - b.cand.first);
    const companies: CompanyRef[] = [];
    const names = new Set<string>();
    for (const { cand } of scored) {
      if (companies.length >= MAX_COMPANIES) break;
      const name = bestSurface(cand);
      if (!name || names.has(name)) continue;
      names.add(name);
      const code = cand.code ?? cand.company?.codes[0] ?? null;
      companies.push({ name, code: code ? bareCode(code) : null });
    }
    const pairs = dedupePairs(this.pairs.filter((p) => p.name.length >= 2 && !isGenericName(foldText(p.name))));
    return { companies, pairs };
  }

  /** Weak aliases (苹果, 理想) count when the company is otherwise named, when a business word
   * or a model name follows, when a market word precedes, or when a list places them. */
  private resolveWeakMentions(): void {
    for (const [id, mentions] of this.weakMentions) {
      const named = (this.byKey.get(id)?.count ?? 0) > 0;
      const listed = this.listed.has(id) || mentions.some((m) => this.inListOfCompanies(m.index, m.alias.length));
      const contextual = mentions.some((m) => {
        const after = this.folded.slice(m.index + m.alias.length, m.index + m.alias.length + 6);
        const before = this.folded.slice(Math.max(0, m.index - 4), m.index);
        return BUSINESS_AFTER.test(after) || /^[a-z0-9]/.test(after) || MARKET_BEFORE.test(before);
      });
      if (!(named || listed || contextual)) continue;
      for (const m of mentions) this.addSurface(this.candidate(m.company, m.alias, m.index), m.alias);
    }
  }

  /** True when the span sits in a 、-list right next to another company. */
  private inListOfCompanies(start: number, length: number): boolean {
    const before = this.folded[start - 1];
    const after = this.folded[start + length];
    const neighbour = (pos: number, side: 'end' | 'start') => (side === 'end' ? this.spans.endingAt(pos) : this.spans.startingAt(pos)).some((s) => !s.weak);
    return (before === '、' && neighbour(start - 1, 'end')) || (after === '、' && neighbour(start + length + 1, 'start'));
  }

  /** True when every mention is peripheral: a credit (来源：同花顺, a copyright footer), a broker
   * or research house quoted for an opinion (中信证券也表示), a deal's adviser, an exchange as the
   * venue (向港交所递表), or a place in a list of customers or investors. */
  private onlyCredited(cand: Candidate): boolean {
    const surfaces = [...cand.surfaces.keys()].map((s) => foldText(s));
    const analyst = surfaces.some((s) => ANALYST_NAME.test(s)) || (cand.company ? ANALYST_NAME.test(foldText(cand.company.name)) : false);
    const exchange = surfaces.some((s) => EXCHANGE_NAME.test(s)) || (cand.company ? EXCHANGE_NAME.test(foldText(cand.company.name)) : false);
    let mentions = 0;
    for (const s of surfaces) {
      for (const at of this.occurrences(s)) {
        mentions++;
        const before = this.folded.slice(Math.max(0, at - 8), at);
        const after = this.folded.slice(at + s.length, at + s.length + 16);
        const credit =
          CREDIT_BEFORE.test(before) ||
          CREDIT_AFTER.test(after) ||
          (/向\s*$/.test(before) && LISTENER_AFTER.test(after)) ||
          (analyst && OPINION_AFTER.test(after)) ||
          STAFF_OPINION_AFTER.test(after) ||
          NOTE_OPINION_AFTER.test(after) ||
          INVESTS_AFTER.test(after) ||
          (CODE_PREFIX_SURFACE.test(s) && CODE_AFTER.test(after)) ||
          ADVISER_BEFORE.test(before) ||
          ADVISER_AFTER.test(after) ||
          (exchange && (VENUE_BEFORE.test(before) || VENUE_AFTER.test(after))) ||
          this.peripheral.some(([a, b]) => at >= a && at < b) ||
          BOILERPLATE_LINE.test(lineAround(this.folded, at));
        if (!credit) return false;
      }
    }
    return mentions > 0;
  }

  /** A found name that is a known company's name plus a generic tail (比亚迪汽车) is that
   * company; a shorter found name inside a longer one (新光维 / 新光维医疗) joins it. */
  private absorbed(cand: Candidate, all: Candidate[], gone: ReadonlySet<Candidate>): boolean {
    if (cand.company) return false;
    const name = foldText(bestSurface(cand) ?? '');
    if (!name) return true;
    for (const other of all) {
      // Not into one already dropped: 阿里巴巴集团 joins 阿里巴巴, not both each other.
      if (other === cand || gone.has(other)) continue;
      for (const s of other.surfaces.keys()) {
        const o = foldText(s);
        if (o === name || o.length < 2) continue;
        const tail = name.startsWith(o) ? name.slice(o.length) : '';
        const joins =
          (tail && /^(?:汽车|集团|股份|控股|公司|股份有限公司|有限公司|控股有限公司)$/.test(tail) && (other.company || other.count >= cand.count)) ||
          (!other.company && o.startsWith(name) && o.length > name.length && SUFFIX_SET.has(o.slice(name.length)));
        if (!joins) continue;
        for (const [surface, n] of cand.surfaces) other.surfaces.set(surface, (other.surfaces.get(surface) ?? 0) + n);
        other.count += cand.count;
        other.inTitle ||= cand.inTitle;
        other.first = Math.min(other.first, cand.first);
        return true;
      }
    }
    return false;
  }
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────

/** True when the text is made only of generic words (新能源, 国内科技, 头部车企). */
export function isGenericName(text: string): boolean {
  const t = text.trim();
  if (!t) return true;
  if (GENERIC.has(t)) return true;
  let i = 0;
  while (i < t.length) {
    const n = GENERIC.longestAt(t, i);
    if (!n) return false;
    i += n;
  }
  return true;
}

/** True when a figure, an action or a business word follows the name ending at `at`, past
 * what news puts between (see FILLER). */
function businessNear(folded: string, at: number): boolean {
  return BUSINESS_AFTER.test(folded.slice(at, at + 6)) || BUSINESS_NEAR.test(folded.slice(at, at + 32));
}

/** True when the text may stand before a subject in its clause without being part of its name:
 * lead words (此外, 具体来看, 之前, 10月) or a description ending in a role (另一家合资公司,
 * 动力电池独角兽); not a character of a longer word (再|生金属). */
function leadsToName(text: string): boolean {
  if (ROLES.endsWithin(text, 2) || ROLES.has(text)) return true;
  let i = 0;
  if (/^[年月日号]/.test(text)) i = 1;
  while (i < text.length) {
    const n = Math.max(NOISE.longestAt(text, i, text.length, 2), ROLES.longestAt(text, i, text.length, 2));
    if (!n) return false;
    i += n;
  }
  return true;
}

/** True when what is left in [from, to) after dropping a word can still be a name: one Latin or
 * two CJK characters. */
function leavesName(folded: string, from: number, to: number): boolean {
  return to - from >= (isLatin(folded.charCodeAt(from)) ? 1 : 2);
}

/** The rest of the sentence from `at`, at most 60 characters. */
function sentenceAfter(folded: string, at: number): string {
  const rest = folded.slice(at, at + 60);
  const stop = rest.search(/[。；;！？!?\n]/);
  return stop < 0 ? rest : rest.slice(0, stop);
}

function industryTail(folded: string, at: number): boolean {
  const tail = folded.slice(at, at + 4);
  if (/^(?:集团|股份|控股|有限|公司)/.test(tail)) return false;
  return INDUSTRY.longestAt(tail, 0) > 0;
}

function rightBoundary(folded: string, at: number): boolean {
  const c = folded.charCodeAt(at);
  if (Number.isNaN(c) || !isCjk(c)) return true;
  return FUNCTION_CHARS.has(folded[at]!) || RIGHT_WORDS.test(folded.slice(at, at + 4));
}

/** Places and other things lists hold beside companies. */
const PLACE =
  /(?:省|市|县|区|州|国|镇|村|路|街|岛|湾|洲|山|河|湖)$|^(?:美国|英国|法国|德国|日本|韩国|印度|印尼|欧洲|亚洲|北美|南美|非洲|东南亚|中东|广东|江苏|浙江|山东|河南|河北|四川|湖北|湖南|福建|安徽|江西|陕西|山西|辽宁|吉林|黑龙江|云南|贵州|广西|内蒙古|新疆|西藏|宁夏|青海|甘肃|海南|华东|华南|华北|华中|西南|西北|东北|北京|上海|广州|深圳|杭州|南京|武汉|成都|重庆|天津|西安|苏州|合肥|厦门|常州|洛阳|江门|宁波|青岛|香港|澳门|台湾|新加坡|马来西亚|菲律宾|泰国|越南|加拿大|澳大利亚|俄罗斯|巴西|迪拜|意大利|西班牙|荷兰|瑞典|瑞士|奥地利|波兰|以色列|沙特|墨西哥|阿根廷)$/;

/** An unknown name a list or a partnership may make a company of. */
function looksLikeStranger(name: string): boolean {
  const f = foldText(name).trim();
  if (f.length < 2 || /^\d/.test(f) || /\d{3,}/.test(f)) return false;
  if (isGenericName(f) || PLACE.test(f)) return false;
  if (/[a-z]/.test(f)) {
    // Latin, possibly with a suffix: SK On, PEVE, Stellantis集团; not SAP大中华区副总裁.
    if (!/^[a-z0-9][a-z0-9 &.'-]*[\u4e00-\u9fff]{0,3}$/.test(f)) return false;
    return !f.split(/\s+/).every((w) => LATIN_STOP.has(w));
  }
  if (f.replace(/[-·]/g, '').length > MAX_STRANGER_CHARS) return false;
  if (NOISE.longestAt(f, 0, f.length, 2) > 0) return false;
  return !/(?:等|们|性|化|率|量|额|值|费|价|期|度|型|类|项|者|人|员|长|官|师|总裁|经理|总监|主任|董事|主席|部|局|委|会|网|报|台|剧|片|书|奖|节|展|赛|府|院|所|校|馆|厅|领域|行业|产业)$/.test(f);
}

function nameKey(name: string): string {
  return `name:${foldText(name.trim())}`;
}

/** The form the text uses most; on a tie the directory's own name, then the longer. */
function bestSurface(cand: Candidate): string | undefined {
  let best: string | undefined;
  let bestRank = -1;
  const own = new Set([cand.company?.name, cand.company?.shortName].filter(Boolean).map((n) => foldText(n!)));
  for (const [s, n] of cand.surfaces) {
    // A directory company is shown by its own name whenever the post writes it at all
    // (青云科技, not the more frequent 青云): that is the name readers know and search for.
    const rank = (own.has(foldText(s)) ? 1e9 : 0) + n * 1000 + Math.min(s.length, 99);
    if (rank > bestRank) {
      best = s;
      bestRank = rank;
    }
  }
  return best ?? cand.company?.name;
}

function occurrencesOf(haystack: string, needle: string): number[] {
  const out: number[] = [];
  if (!needle) return out;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) out.push(i);
  return out;
}

function splitKeepingOffsets(text: string, separator: RegExp): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  const re = new RegExp(separator.source, 'g');
  let last = 0;
  for (const m of text.matchAll(re)) {
    out.push({ text: text.slice(last, m.index), offset: last });
    last = m.index + m[0].length;
  }
  out.push({ text: text.slice(last), offset: last });
  return out;
}

function insideUrl(folded: string, at: number): boolean {
  let i = at;
  while (i > 0 && !/[\s"'<>()（），。、]/.test(folded[i - 1]!) && at - i < 200) i--;
  const token = folded.slice(i, at);
  return /(?:https?:|www\.|\/\/|[a-z0-9-]+\.(?:com|cn|net|org|html?)\b|[/=?&#@]$)/.test(token) || /\d[-—]$/.test(token);
}

/** The line of text around a position. */
function lineAround(text: string, at: number): string {
  const from = text.lastIndexOf('\n', at) + 1;
  const to = text.indexOf('\n', at);
  return text.slice(from, to < 0 ? text.length : to);
}

function dedupePairs(pairs: { name: string; code: string }[]): { name: string; code: string }[] {
  const seen = new Set<string>();
  return pairs.filter((p) => {
    const key = `${p.name}\u0000${p.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
