/* check_tls_decrypt.c - unit tests for key logs and record decryption. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <openssl/evp.h>

#include "tls_decrypt.h"
#include "check_main.h"

#define TLS12	0x0303
#define TLS13	0x0304

/*
 * RFC 8448 3, "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256, 0x1301):
 * the published randoms, secrets, derived keys and protected records.
 */
static const char rfc_client_random[] =
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7";
static const char rfc_server_random[] =
    "a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928";
/* {server} extract secret "handshake" and the ClientHello..ServerHello
 * transcript hash, the context of "tls13 s hs traffic". */
static const char rfc_hs_secret[] =
    "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac";
static const char rfc_hello_hash[] =
    "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8";
static const char rfc_c_hs[] =
    "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21";
static const char rfc_s_hs[] =
    "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
static const char rfc_c_ap[] =
    "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5";
static const char rfc_s_ap[] =
    "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643";
static const char rfc_s_hs_key[] = "3fce516009c21727d0f2e4e86ee403bc";
static const char rfc_s_hs_iv[] = "5d313eb2671276ee13000b30";
static const char rfc_c_hs_key[] = "dbfaa693d1762c5b666af5d950258d01";
static const char rfc_c_hs_iv[] = "5bd3c71b836e0b76bb73265f";
static const char rfc_s_ap_key[] = "9f02283b6c9c07efc26bb9f2ac92e356";
static const char rfc_s_ap_iv[] = "cf782b88dd83549aadf1e984";
static const char rfc_c_ap_key[] = "17422dda596ed5d9acd890e3c63f5051";
static const char rfc_c_ap_iv[] = "5b78923dee08579033e523d9";
/* {server} calculate finished "tls13 finished" (the finished_key). */
static const char rfc_s_finished_key[] =
    "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8";
/* {server} send handshake record: EncryptedExtensions, Certificate,
 * CertificateVerify and Finished in one record (679 octets). */
static const char rfc_server_flight[] =
    "17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35e"
    "df7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78"
    "b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b"
    "d9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9"
    "d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2e"
    "d65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092"
    "8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead68694"
    "5ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b368"
    "4596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f"
    "4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26"
    "f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b65962224531"
    "7b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e"
    "1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da"
    "8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d4"
    "61e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe"
    "5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb"
    "992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c859"
    "77b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038"
    "ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b84"
    "5e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5"
    "d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e"
    "750edc53370d2b";
/* The first and last plaintext bytes of that flight: the start of
 * EncryptedExtensions and the whole server Finished. */
static const char rfc_flight_head[] = "080000240022000a";
static const char rfc_server_finished[] =
    "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";
/* {client} send handshake record: the client Finished. */
static const char rfc_client_finished_rec[] =
    "170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc"
    "44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546";
static const char rfc_client_finished[] =
    "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";
/* {server} send handshake record: NewSessionTicket, application keys. */
static const char rfc_ticket_rec[] =
    "17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d4"
    "1d6af8f6b580dcf3d11d63c758db289a015940252f55713e061dc13e078891a3"
    "8efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e0"
    "9c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406"
    "f16e3fc181a77ca475840025db2f0a77f81b5ab05b94c01346755f69232c8651"
    "9d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74"
    "bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf159"
    "85684f";
/* {client} and {server} send application_data record: 50 bytes 00..31. */
static const char rfc_client_app_rec[] =
    "1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f"
    "2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae6"
    "3aeebb21694915e4";
static const char rfc_server_app_rec[] =
    "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36"
    "e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf33254"
    "0dd032e167c2955d";
/* {client} send alert record: close_notify. */
static const char rfc_client_alert_rec[] =
    "1703030013c9872760655666b74d7ff1153efd6db6d0b0e3";

/*
 * The TLS 1.2 PRF vectors posted to the IETF TLS working group
 * (mail-archive msg03416): secret, seed, label "test label".
 */
static const char prf256_secret[] = "9bbe436ba940f017b17652849a71db35";
static const char prf256_seed[] = "a0ba9f936cda311827a6f796ffd5198c";
static const char prf256_out[] =
    "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
    "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
    "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
    "87347b66";
static const char prf384_secret[] = "b80b733d6ceefcdc71566ea48e5567df";
static const char prf384_seed[] = "cd665cf6a8447dd6ff8b27555edb7465";
static const char prf384_out[] =
    "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
    "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd"
    "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
    "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6"
    "91c8f3a26854308d5eaa3be85e0990703d73e56f";

/*
 * pcaps/tls13-ok.pcap with pcaps/tls13-ok.keys: TLS 1.3,
 * TLS_AES_256_GCM_SHA384 (0x1302). tshark with the key log decodes the
 * server's records as 8, 11, 15, 20 (EncryptedExtensions, Certificate,
 * CertificateVerify, Finished), then 4, 4 (NewSessionTicket); the
 * client's as 20 (Finished), then application data and alerts.
 */
/* tls13-ok.pcap frame 4: ClientHello random */
static const char t13ok_client_random[] =
    "29a7293f47fff78ea16f82450887cde8dfc69cd4f4f750a6cab094bdc6e1e3a4";
/* tls13-ok.pcap frame 6: ServerHello random */
static const char t13ok_server_random[] =
    "1e0963d7b22ce9441193c0613e07583ffacc10bcdd89886c626e28f31ef0c28d";
/* tls13-ok.pcap frame 6: server record 2, EncryptedExtensions (28 bytes) */
static const char t13ok_ee[] =
    "17030300170ed61a3f72ddf5aa746e3c7166006041691e1d853edc1e";
/* tls13-ok.pcap frame 6: server record 3, Certificate (1740 bytes) */
static const char t13ok_cert[] =
    "17030306c77b1316863a7b4f96612bb1f2d4c58075114a7b6702c6bf55bc7149"
    "b24f98bcb7a84664eddb58e71cdfcd71bb61beb22f5643d557911b54ce451f09"
    "d73ca75b4fc72ff3809a79ff7c27a64e13aeec3ffdbe0a113df53513ec41d16f"
    "a48e11bcf3edebc40ba2493858c2c96375ddf43661f7dff8e48bb911ec1967d8"
    "b503efd630cffe6a5144a350d8dcba2d5da711c59e8811420799a8a041ba9498"
    "4bb288b7070540271aa805f4755692733ee1321a2f067a14abc3575bbbbb60fc"
    "bce576e9d20ac8d6aa66df4f68d2e08efbfd9490a2480d75e4cf7e1a0bd04f2e"
    "1b7959f3b063e27d9671c527c5ab97e007c69762d57a8e69e604e45282f41b3c"
    "357b2228836a0d44b699f8e3fbb3846fe1afd4bd4d9b1ee631b9e518389fae83"
    "428d6669ee191712c8333fd8c548ba9d9219c358694f895eea9c6248aa58c8be"
    "5194e811d449ccfa2e2ee63c82007c3a68e309fa416d7b0d05a8987c48447ac4"
    "be70d3ae7741ae764c7f1c72a7054d691b6c822c4fe743c01d6968ee6b78934a"
    "b73aa47314d95b940eb217f8a86e2a6ab3cd75b0aada52eb3ba5a4d5d4e9c591"
    "ec08953e8db1b49f174c0903f50eb7acc7977bfdfdfa859f8d081dc9249f2efd"
    "00f8802236c09cf708ead42e3b041b9e625d215e3cab3b4a1804f089f08941cb"
    "531b155489558c10d1eb808390f93acc1a23150340a45aeceaf4b3825e1620aa"
    "8319b9306543c53fd9d0e3f30f58ff87edff516479556b5fb923c61bbef87d58"
    "5338c6c3c3b6d5a9e18cd4cdbe4d6cb1324168a8e4528c2691a18f82b5fd8272"
    "013fd122eae60d62edb192b4993a89436e3775a524284afe368b09583c0f17b7"
    "23eb3e1d25d7e4298e378ecc9b6d4d7741ef81fe18de72cda0301288a7a9ae8d"
    "469832b966c67ed6ed54aa60be79260b3789f2df56fd3572d51cc0e3472e1746"
    "00e258e11e294e6f3d05a0f283cf063bdefe219040fb6cdeff64d251ce798ac9"
    "a0c1a8dac63fc79816571d6b8a2d925afe531e8c6389616766a98897b5648f2e"
    "da7eb00e87e2abc7e817b6bbc78eea41094c5492b4f7e6fa1d66a573fed0e640"
    "b66b880675f43f0e9592d9bf91062c6e78777761ad2c53d14491b05465e27413"
    "ff889be1d072da3a10ce65763aee727b2921894498f3dc853c5f5cf54343c72b"
    "98769aaa849f184a3d31d1a20e9674ca14961f50f93c0d22d15126d0a86b914f"
    "e074b4380d14304b05123e1a0cd630cda33a7288454106d8173c8f49d4eaf0ea"
    "781f9b18198fe022059706e0a07bc794c03c32c1872f33801416fe0aeabf5f8c"
    "dcc6028d27220ee38545c93a9ed26b9794c0e56d80d17c27fcce8da4054e73f2"
    "5bb54236631ad637e0c86e54c9312d28215cad411b7d94f79ae036a600e23151"
    "c79c983c8c59f66e6b2acf71a64d6c3302d31989bcbf8f2f20b061bd18df11b2"
    "d3b4c13caac347f8625075fc0bb35da499c62546175958d1b8435f36a0674327"
    "f9a210703d92f53f55fd29310fbd956dd926244b246a770745fc8e9e0cef0516"
    "c7ed83ce378b19f5cc3e8cc3c214083ec369f2c50002dfc80ae654a32cb8af73"
    "9a3aec507783c98891f6382db0904547396710e691337909436a07e235ecb5c3"
    "3b8dce25d90774a46a6b95f5315cf1c5e45bd36622104fbd946a9e4e330c3d15"
    "ba820c3e62fe99b33ab998d4073d68f0a65642af3b1420a518aeffa84d99532f"
    "f5def6a5102d5370093a59926bc2e19f195235f1a7dfabe6719c2fe569aacdd2"
    "a861be8e0a5fa442375f33721dd21ffabdcbdbc414056cfad32834bf4ff2378d"
    "8050de3f8c7ebad582713cced148d3ff8ca9140fe15ef9610f0fbf059c44d29a"
    "f0e3144e37976ca0df34209f469539ca18e73cbcd998242d9a5b2f81e7665a97"
    "c3b74bfaeb0eb0060fa97f44ad4afe79019f40fbae8f332ace7cbe4ad6580b09"
    "c9aded20efa3667a1be262444cc65878358260a232dc02916d0d1982a89a22c3"
    "9d8a23f61d1c5202f7cc840265ccd59f9305080e4be02c5306899913790fe30a"
    "e78c0f3681915f1b6317c31bcca9a57d378920a337df145ad0e542c697ba38e9"
    "55d2963a3adf27f322e8271d510823c48718d25ee526f79a0ef0436ccaff1e0b"
    "1eab1cf485d1d62f35c6244c1319c4495f40768bf7cb31d959f82bc3b88f020a"
    "ff9ad6d1d5d708a1cd149efc704ae81047e4345ff199e54bbc4fd8aadf3e9a0f"
    "ecb634d0defbd639d0398c157f25bfc54e64617964fe526bc788a3bcd39ea230"
    "a278927e25c394a9ecd1fc66ab939f40499d73e9c32891b0eadf8e132c065bc3"
    "674866421be3ba3aaf85c1bffcb7cca176c51b9a1495f99b302001813ece8ae9"
    "0ef063b89bdea464d922fbb3d5cd43aec66879a6cc3bfe8e18e2d4b4f3bf27d5"
    "94b79feac29bbac3aa3153812bb9614269cedac5aa5c715581467623acebe2ce"
    "d0e1fb4b4bd700aebb49b7f6";
/* tls13-ok.pcap frame 6: server record 4, CertificateVerify (286 bytes) */
static const char t13ok_cv[] =
    "1703030119ad01281611e958e759fe2edbada23673425bf070c54b6f24b3ee52"
    "8a8a0391d11e365b3d08a9f928629776a6bfd5101bcef455a6d38f6b58b2c1ae"
    "7343405fff54203c473f5a92a26af081d60bca17bd57f7610976e1df364c9fb2"
    "1888c5709444cfa5a3e5547f6a80771f4e1c00db74b6fe1dcc855a1f811fadd5"
    "a669c92bfc60b2e384277a0ae230ece1a6441401c835f5b602c9849ecad08dcf"
    "19eac21c8f31524665cbc27dbe250b5715b048871c9117f7685e6aaf0813ccf7"
    "3ff37da9bc39b64c41f1e28602242c14d486da9bb255d7cf0a3c9401f510d92a"
    "0a58e741aed47737c0d8cbfae8678b44981565af266641999ca7057a9a056f2a"
    "88d853e49e00c2329c9577a284d7403245f236324232170ed01f11b375e8";
/* tls13-ok.pcap frame 6: server record 5, Finished (74 bytes) */
static const char t13ok_sfin[] =
    "1703030045ab4d9438ad16d575d986d78dd40cbcd737ca48310b7a1e63093e7c"
    "ae652dc0ce89f521a1d203bc318c98a7466e6e4f535e5c2af389a57ff53ef50f"
    "209256b8ad4f3fb71a3e";
/* tls13-ok.pcap frame 8: client record 2, Finished (74 bytes) */
static const char t13ok_cfin[] =
    "170303004534b91000c1b9ba369fc751ec609247f1ec936ffeb1b7c2d6f07377"
    "8e69b2fd75ef449b227bce5f52364301f7151762bc447468e815e08619baa57a"
    "277b0dd2117f96fb2bc6";
/* tls13-ok.pcap frame 9: server record 6, NewSessionTicket (255 bytes) */
static const char t13ok_nst1[] =
    "17030300fa5b5d9df3b08007a05394978d82d1a9401f07584363fee9084b08cc"
    "26e8ff28325e0d50387e7f5c4f1b5d681cd836e1141d6c123f283751879b1643"
    "5b4f5aefb29c9a4541ba8bc575555f9b82fc47409d5504644e381d176756284f"
    "605e1a6c659a1c8c1f6a4fe4fccae39eb7e38113da82573a277f9ef45e98b290"
    "c69e4acedc49f7e2bcd81cc5ce10b3b87105c1030c7b6425efb1cd019e7f593a"
    "31651ba9e983f8e48e0f00bf331fc7b146931af4c97566f94ab0ee2b82c2288a"
    "e5bde2e36ab1e84a6498d1747db70533066a54d36c746f9d1f952ce222b663ba"
    "d72778fb1ac9586d0fdf885057a1d67b2533f6a8ef0a80f7f010b41aabe79f";
/* tls13-ok.pcap frame 10: server record 7, NewSessionTicket (255 bytes) */
static const char t13ok_nst2[] =
    "17030300fae97ad9076eb9789ecebdbd66080533a257976f180edfcc8bf94cd4"
    "4db5e5db064ac44bdfe269c2ba8390730866cc262f9b58dcbdbaebbc041129b6"
    "d38c7975395e610e2bcf37e4b8aef998294c52a6190ebb775f34f4b10468f65c"
    "25293ebda38bba8ab3a5a75eccf3e21e091993399cf3c466932076b10000b629"
    "887cf7e32c993dd374ec9ae0f27ffba85afc99acc1aa6956c50c26b7978a3832"
    "bf35095f708c74b95c5ded2cd222a6027f42b718503297b4b71d554a0634e90b"
    "62d3adcf353416e66c10c88f09bbb31af154f45436abd4c9c14e89b447621c3b"
    "05a55e7f30d3630d94917930fdbf541028670ec0fc9dc1eb2c61bb2cb089ea";
/* tls13-ok.pcap frame 11: client record 3, HTTP request (114 bytes) */
static const char t13ok_capp[] =
    "170303006da2231817b4e1097731a368c6f7e657c5a081cd3dc29887a8633321"
    "8e3fb7323709c67778c20c5eafa0c6d50bcd4638ebeb2e937758b7551a018b90"
    "6fcf56673191a09d74bb44fcba9d5804458f7a4f90ff771addd75abc57c1b3a7"
    "ff4d3de0e525ed3587256e590a8d5fe3e503";
/* tls13-ok.pcap frame 12: server record 8, HTTP response (95 bytes) */
static const char t13ok_sapp[] =
    "170303005a948f33230e7bc6b2bcaf32327f052d1c24ac076a45d3a3bbdc0734"
    "10e2972bccbd1720fbee9c8e7f9f674c476c51d6487b52fbc294b99630911121"
    "2ad954443d4adcfd1d34642478b04d5e6169aee9a44611274e762858244898";
/* tls13-ok.pcap frame 13: server record 9, close_notify (24 bytes) */
static const char t13ok_salert[] =
    "1703030013117ce1c81d9f84fc0d268f3cff61c396a667e6";
/* tls13-ok.pcap frame 15: client record 4, close_notify (24 bytes) */
static const char t13ok_calert[] =
    "17030300132dca1e5cec52d57b97a436f35f7be2d783f6c1";
/* pcaps/tls13-aes256.pcap with its key log: TLS_AES_256_GCM_SHA384. */
/* tls13-aes256.pcap frame 4: ClientHello random */
static const char t13aes256_client_random[] =
    "707e769ecfeacdb7f593e2856972879e3708f8e8df71731b3c856e43a5e306da";
/* tls13-aes256.pcap frame 6: ServerHello random */
static const char t13aes256_server_random[] =
    "66b7d5763512a98caad25d5c36f5f28a0b0a47fe81c9a7fb72566cfb9b084bf7";
/* tls13-aes256.pcap frame 6: server record 2, EncryptedExtensions (28 bytes) */
static const char t13aes256_ee[] =
    "170303001717a015d31b634671d493413b2d9a9a63de9ff64626c1c8";
/* tls13-aes256.pcap frame 8: client record 2, Finished (74 bytes) */
static const char t13aes256_cfin[] =
    "1703030045eea37d5b17ac93bd930fa05780750d67aa02be6cfcb427a30635c3"
    "49f07ab3f9661d015f7d9af1c08b9c0793a683a96ef2d2621cb946e1bae31d5f"
    "64fe9f7d723148e0be60";
/* pcaps/tls13-chacha20.pcap with its key log:
 * TLS_CHACHA20_POLY1305_SHA256 (0x1303). */
/* tls13-chacha20 frame 4: ClientHello random */
static const char t13chacha_client_random[] =
    "6bdcecc887bf14c6f3a3579c76b6c180c4d493d926b4ef39326735b35df3eb66";
/* tls13-chacha20 frame 6: ServerHello random */
static const char t13chacha_server_random[] =
    "f3aa976e864e6e76d12050bc91582a59c7a026d1b6b4e1ca80558df54cf4dcfe";
/* tls13-chacha20 frame 6: server record 2, EncryptedExtensions (28 bytes) */
static const char t13chacha_ee[] =
    "1703030017164e668148c9974c7ce7855f38f12bb204aef74cf579fe";
/* tls13-chacha20 frame 8: client record 2, Finished (58 bytes) */
static const char t13chacha_cfin[] =
    "1703030035208345366cfb3fe248492300536a8151c161cc47dc71e51f668486"
    "1f18572b1fc46c9f8da3758f3de509a59ecf24df81236e0c4a54";
/* tls13-chacha20 frame 10: server record 6, NewSessionTicket (239 bytes) */
static const char t13chacha_nst[] =
    "17030300eae744c9a178e0ac33358accced5c21b298568796768f5ca23add448"
    "8696f043f91f54f5d3e7864204fa2d7838dc0d141d3ad8ed3cbd6a3f63056451"
    "a3abcf5b5750fecd0129cf1d4c068b6cb5a6fac41894f7302dca4a8a236032d6"
    "0d36842537cf1580f1266a1d4d775629320f648f9d88def7e34362825c757321"
    "d9ee404e147417639fe025bdb664faf022a94eb6d60589b39923526ef2d48b36"
    "b8bc852187bb98f043c70f471f2b3ddcf57778fa495461067a09f9723b4d40ee"
    "9765a07fc965ef0146575dc139fc1a74c640bc6231aca15b5f3d5b8c4a0a539f"
    "c17e86043efeff63e89492a468ddb7";
/* tls13-chacha20 frame 9: client record 3, HTTP request (114 bytes) */
static const char t13chacha_capp[] =
    "170303006d6e5e7fdda336295b7a27f291315e18678c16489e43dbee22ebc988"
    "14a557b80d47e49c48f36866f47c01e52807d0e50102b87ed3e4d579493126fa"
    "61ffbdc70b7117e1c37cbe81693a44da79578a6152e2f1a72ffe441aa3ad7380"
    "45b21b0acac463b2509a5bb46aa413be67ee";
/* pcaps/tls13-aes128ccm.pcap with its key log: TLS_AES_128_CCM_SHA256
 * (0x1304). */
/* tls13-aes128ccm frame 4: ClientHello random */
static const char t13ccm_client_random[] =
    "2fe23114810791869e3bf2e64c0c1cbe1b3aea0b8dd2bf3c3731ea9c0f9333f5";
/* tls13-aes128ccm frame 6: ServerHello random */
static const char t13ccm_server_random[] =
    "a8adfc889755154bf3152ea093aa67be8060e28c328b0e4de4b540d11ae64db6";
/* tls13-aes128ccm frame 6: server record 2, EncryptedExtensions (28 bytes) */
static const char t13ccm_ee[] =
    "17030300175223b487b832a2c0ff22d20909b7fd63114035967c183e";
/* tls13-aes128ccm frame 8: client record 2, Finished (58 bytes) */
static const char t13ccm_cfin[] =
    "1703030035b62537188f74d1d6160a2d82c7d98fb1d4fc9a7f78bd45ac2aaaa1"
    "0709c0d24d6fbe7c30cc3e56bf9c4423c1967f0939d7c8f26e0f";
/* tls13-aes128ccm frame 10: server record 6, NewSessionTicket (239 bytes) */
static const char t13ccm_nst[] =
    "17030300ea397387b44b552f461c5733d0a7711c1ca559505109ea65c6d4a1ea"
    "330551778312ea0be4059be6d44fba5a232a539c1a271eb4581960e14842b6e7"
    "29bd975e5b9b74edd669ddb33bac260113d78156d45c8ed0c1ef789e156d3282"
    "ae45a97bb2397768b611f9af28bba9b25337939841d1a39436dcf15f371060f7"
    "c43592ab06eb99e166088f81cbb5cb0cce508310f8807752580c2c295e927162"
    "2fe24c38c5dcd1878770fbd179c9b4132601269353ad8ef9cd70a1de97a9279a"
    "5985317f01b683155a5a3ddab5f22b4de57a6fcd2a8808101fd0879855c78a9c"
    "1b91ab89cde9cfe92b9cd85cafa570";
/* tls13-aes128ccm frame 9: client record 3, HTTP request (114 bytes) */
static const char t13ccm_capp[] =
    "170303006d2642739f63fd26d01ef8dc7cbbad076ea30b46f2ad08cf9c689f51"
    "11c4d67793e433c2d90c01852944f682c598fcb8e86da2b2e99f18e60fc0fa82"
    "ac8a7bc4d9b6173a364e70e84368ccd9111a66db6a36b93e6bc9f156a0404a95"
    "22e5c4298239498bf4204335d34261ea8a06";
/*
 * Not in pcaps/: captured on lo for this test with tcpdump, between
 * OpenSSL 3.0 s_server and s_client (-tls1_3 -ciphersuites
 * TLS_AES_128_CCM_8_SHA256, -keylogfile), on 127.0.0.1. tshark with the
 * key log decodes the same handshake types as for tls13-ok.
 */
/* t13-ccm8 capture frame 4: ClientHello random */
static const char t13ccm8_client_random[] =
    "924275684488e8e0d6a79167b7d0658212bcfb870d6e2ae552b7e9e926df082f";
/* t13-ccm8 capture frame 6: ServerHello random */
static const char t13ccm8_server_random[] =
    "f0cc74bef7443d372c1235dab40c715aef72770c566024db978a464ee185f2d3";
/* t13-ccm8 capture frame 6: server record 2, EncryptedExtensions (20 bytes) */
static const char t13ccm8_ee[] =
    "170303000f29fd7a43a6106a0be3cceda4ec3148";
/* t13-ccm8 capture frame 8: client record 2, Finished (50 bytes) */
static const char t13ccm8_cfin[] =
    "170303002dd40fe15933fe67d15a95eb5616eebd52b680bb4920e4491778c342"
    "62ede79c534c9768c31bb7200054e4abb8c5";
/* t13-ccm8 capture frame 12: server record 6, NewSessionTicket (231 bytes) */
static const char t13ccm8_nst[] =
    "17030300e2545f464d949323b23ff7513ba6e8b0b158d86cd36b9836186a9c93"
    "26b2b68669ae467b729ed06507924680dbde21b27aba55d0d9af7be0996a0d04"
    "8b9f12c8972110b4a89e8334907f6753e852431ef8bb0e36c2c176dcf04cbbcc"
    "06ce2aefe988466a83e9d1d64c11c717295ee99c7f1388cc8ca35da233399bd5"
    "9cf01b89316e0dc64539961a9d75e08b645aeaf94e64260de8ee3912a17d4fcd"
    "428affffabc4f281b9368532d60155215b8aaa55f889324fb88f3625dfd99938"
    "ca56cfb3fc4bc2d41f564ec182cae6c9bba1a5081c33bff1e787c994719ba5e6"
    "aba5640220c4c4";
/* t13-ccm8 capture frame 9: client record 3, HTTP request (38 bytes) */
static const char t13ccm8_capp[] =
    "1703030021873d192269a2d162577850d03b72f803c4b3156de20ef0cd60a47d"
    "8c7760f74e06";
/* pcaps/tls12-ok.pcap with pcaps/tls12-ok.keys: TLS 1.2,
 * TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030, tshark). */
/* tls12-ok.pcap frame 4: ClientHello random */
static const char t12ok_client_random[] =
    "a1f71be3c5052bf0a01824edae3eb447a1f8dc947cc88c10dfb96a3cd4729a6b";
/* tls12-ok.pcap frame 6: ServerHello random */
static const char t12ok_server_random[] =
    "d0c43db2c962a69a004e45f0af0df2942195229c442cf2d522e328bfce932559";
/* tls12-ok.pcap frame 8: client record 3, Finished (45 bytes) */
static const char t12ok_cfin[] =
    "16030300280be2598a269a656e1bcdcc94e52efb5652dacdefb2e87b747ceba9"
    "1a4fc46ed0c1763ed12f191fa2";
/* tls12-ok.pcap frame 10: client record 4, HTTP request (121 bytes) */
static const char t12ok_capp[] =
    "17030300740be2598a269a656f449a54ea1b396f53f9424c4aba679e475fa02d"
    "e6d40b7c3362d7e18dab2de421e4a643c2dcea5b6276bbc06c5fd2f76f47a73c"
    "ae28f074d2976fe799035711927ba263e0f8d155892ceeb277dc678d3a2edd65"
    "397481813c0721b265d9c3771b17c36655c81c0f057444541c";
/* tls12-ok.pcap frame 14: client record 5, close_notify (31 bytes) */
static const char t12ok_calert[] =
    "150303001a0be2598a269a6570340588709b1131f4d2f6220cd02681eb98e4";
/* tls12-ok.pcap frame 9: server record 5, Finished (45 bytes) */
static const char t12ok_sfin[] =
    "1603030028c09bcbd2d8daa0628d9459b5f2d73bca5d7ceb238bfed4b75f9f06"
    "785eff6557e66a8d3f2eb280f8";
/* tls12-ok.pcap frame 11: server record 6, HTTP response (102 bytes) */
static const char t12ok_sapp[] =
    "1703030061c09bcbd2d8daa063a12bb10e070dc18d507e631210e42a393f6241"
    "42627940d0e8bac0b174897494c69e786ee297689b90187c0d420cdb2071208b"
    "02cbe8904fb82eb254b71432fdb397475bd58f262ccdc440284e6c135498d120"
    "d35c3f324079";
/* tls12-ok.pcap frame 12: server record 7, close_notify (31 bytes) */
static const char t12ok_salert[] =
    "150303001ac09bcbd2d8daa064bab15c57fe86486c0d4e31cd6f6aeafc0ad1";
/*
 * Not in pcaps/ (made like t13ccm8 above): TLS 1.2 with -cipher
 * ECDHE-RSA-AES128-GCM-SHA256 (0xc02f), ECDHE-RSA-CHACHA20-POLY1305
 * (0xcca8) and AES256-CCM8 (0xc0a1, RSA key exchange). tshark with the
 * key log decodes each Finished record as handshake type 20.
 */
/* t12-gcm capture frame 4: ClientHello random */
static const char t12gcm_client_random[] =
    "213eae8c8af028a266420b0cf1eb3de28138f6bf79927df07282cb75da7babca";
/* t12-gcm capture frame 6: ServerHello random */
static const char t12gcm_server_random[] =
    "d61f9722ea895a7ac5d8d9bfee50196d3f216698665ed35a245f869e158a8b96";
/* t12-gcm capture frame 8: client record 3, Finished (45 bytes) */
static const char t12gcm_cfin[] =
    "1603030028e2995c7b051e1e6368ea5304e6bb4cc757d83da9601eac91614d8b"
    "5e84e7064154a9553f6f5b8387";
/* t12-gcm capture frame 10: client record 4, HTTP request (53 bytes) */
static const char t12gcm_capp[] =
    "1703030030e2995c7b051e1e64f78e79da49f606abad48d8e9c32349dd47a839"
    "21864584061b9ca1f571187a951374cc79cf3f98df";
/* t12-gcm capture frame 9: server record 6, Finished (45 bytes) */
static const char t12gcm_sfin[] =
    "160303002847840a366b7a0080277b3cc9e9afe3768fafd5dc5bb5117b956a38"
    "747d63ccb97a9b8a5828163af3";
/* t12-gcm capture frame 11: server record 7, HTTP response (88 bytes) */
static const char t12gcm_sapp[] =
    "170303005347840a366b7a00816e2ff2b5be140a787b61be8355498f2dee532e"
    "3d288def43d4d11a71519bd76308cbae2118c696c563cb0316e560e182dd3626"
    "d3d42e59c087f18ecb13d53ffb5556ccaadc3363fa7b05ef";
/* t12-chacha capture frame 4: ClientHello random */
static const char t12chacha_client_random[] =
    "67152f6cba007e20a5d19b20a84eff7075542a6da8d9361a1e4cf933580164e4";
/* t12-chacha capture frame 6: ServerHello random */
static const char t12chacha_server_random[] =
    "f74408901e2fe286fdc166363a171385e34823491850f025bfa840831f6a60a7";
/* t12-chacha capture frame 8: client record 3, Finished (37 bytes) */
static const char t12chacha_cfin[] =
    "160303002060bf66809997a3c1631811c6e09332a97a3edc3e78243bab99df3d"
    "f85199850d";
/* t12-chacha capture frame 10: client record 4, HTTP request (45 bytes) */
static const char t12chacha_capp[] =
    "17030300280401cacb689305b127a1270e8de492122e138783e034cb6b6995e6"
    "3f9d769df214fb818b2ad1e181";
/* t12-chacha capture frame 9: server record 6, Finished (37 bytes) */
static const char t12chacha_sfin[] =
    "160303002085b9ef64de6d125a426fbfc70064fc1ebb1bf029833c1ab5f40ce4"
    "e845f8a1f3";
/* t12-chacha capture frame 11: server record 7, HTTP response (80 bytes) */
static const char t12chacha_sapp[] =
    "170303004b042edb1be9aca283d80f1daa9fa083808a6f7879354e848a2bea6f"
    "2b1dd26117c6bd7eb7248278b9a3f4b9804aba30193992e55f115cff0550fc56"
    "daaca6ff25f4f96b0683e4b0114965bb";
/* t12-ccm8 capture frame 4: ClientHello random */
static const char t12ccm8_client_random[] =
    "383c2f6380279d3a021940ca42d219a2bf792ba372d8f05c860727790502d56b";
/* t12-ccm8 capture frame 6: ServerHello random */
static const char t12ccm8_server_random[] =
    "58e600e643e67a2365abf6d71b0eaff89e3c1a1e3fa7381115a21b8028abb8b7";
/* t12-ccm8 capture frame 8: client record 3, Finished (37 bytes) */
static const char t12ccm8_cfin[] =
    "1603030020000000000000000092c0fa349a32658d19b247095673b71c1d6865"
    "c1d2c8422f";
/* t12-ccm8 capture frame 10: client record 4, HTTP request (45 bytes) */
static const char t12ccm8_capp[] =
    "170303002800000000000000012fa6946230800b657cec01ef3338178bc5b52b"
    "e0f8d23200fe6c32880040c41a";
/* t12-ccm8 capture frame 9: server record 5, Finished (37 bytes) */
static const char t12ccm8_sfin[] =
    "1603030020000000000000000019e2e3398905dc2e7313423f97a5a49bd5068e"
    "87b8b95cab";
/* t12-ccm8 capture frame 11: server record 6, HTTP response (80 bytes) */
static const char t12ccm8_sapp[] =
    "170303004b0000000000000001bc7caa1ea839ab4854d9732cda2ac9e4d1d3c2"
    "eee8d116b2f25170f78d1645c9e4568f29635943b960b41dcd7e04a1698af7c4"
    "4a5cf3d6d769007a38383466c2f2250f";

/*
 * The key logs of those connections as the clients wrote them (with
 * OpenSSL's comment line, and its RSA line, a label tlsdiag does not
 * use), then the RFC 8448 secrets: 33 secrets, no malformed line.
 */
static const char keylog_all[] =
    /* tls13-ok */
    "SERVER_HANDSHAKE_TRAFFIC_SECRET"
    " 29a7293f47fff78ea16f82450887cde8dfc69cd4f4f750a6cab094bdc6e1e3a4"
    " e5cbda6be6b7a14e6cc171a728384c40a49ca52d36e3f008c5eac4e4b8c3a693"
    "c0537b39a13ef4debf822acd2e423c24\n"
    "EXPORTER_SECRET"
    " 29a7293f47fff78ea16f82450887cde8dfc69cd4f4f750a6cab094bdc6e1e3a4"
    " 2417565cedd9284a89d5e7849ca5e33b977c73f1e680a2caa05bfdeb721f364a"
    "beff46601668a53dd513282fe29299e4\n"
    "SERVER_TRAFFIC_SECRET_0"
    " 29a7293f47fff78ea16f82450887cde8dfc69cd4f4f750a6cab094bdc6e1e3a4"
    " ba74f2623d2727436aa60a549cc576892431e1231df2d31a8004a1111b37c798"
    "4b73fd65f426cb711b5b3eaf61b232fb\n"
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
    " 29a7293f47fff78ea16f82450887cde8dfc69cd4f4f750a6cab094bdc6e1e3a4"
    " 2e6662a405daedafbd0435bc5c39498f1324f70fc10ccb3d1d3ba9b6d3468ab2"
    "e51ad5c7ca2fe3be931be43083b90d2b\n"
    "CLIENT_TRAFFIC_SECRET_0"
    " 29a7293f47fff78ea16f82450887cde8dfc69cd4f4f750a6cab094bdc6e1e3a4"
    " 540f949df7e41a3a9fcccceb7d1401e39abb965f31829ecf8aae4b39863618c6"
    "111bf87a0f9bbcff85a5f837c88eed28\n"
    /* tls13-aes256 */
    "SERVER_HANDSHAKE_TRAFFIC_SECRET"
    " 707e769ecfeacdb7f593e2856972879e3708f8e8df71731b3c856e43a5e306da"
    " 66f73fc8955e89998e82b482a96ac1c7c5dd8171ded55208cb656d9d8d220a5a"
    "b32742b89642afefce275d430d9d503f\n"
    "EXPORTER_SECRET"
    " 707e769ecfeacdb7f593e2856972879e3708f8e8df71731b3c856e43a5e306da"
    " 5ad38b90c4a56cc06f45f6705c01f95a40162ddd3ed06d2110dc88314be7b0af"
    "eb3eb76ec23b4e46eef80947e4ed4537\n"
    "SERVER_TRAFFIC_SECRET_0"
    " 707e769ecfeacdb7f593e2856972879e3708f8e8df71731b3c856e43a5e306da"
    " 7e13a019ce6e87664d4ac6a2bf985eaa6cb1e48fed250c4c9a98d1f12bf39a9b"
    "92459f1b45e0af98fbf1d62dc7de49ef\n"
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
    " 707e769ecfeacdb7f593e2856972879e3708f8e8df71731b3c856e43a5e306da"
    " 73ada188c78fe302ab9fa42ab7882056c959ace046d1afefa0247ccb50ea274e"
    "600a4cb5bf8e98ad50f7c3be2426ddaf\n"
    "CLIENT_TRAFFIC_SECRET_0"
    " 707e769ecfeacdb7f593e2856972879e3708f8e8df71731b3c856e43a5e306da"
    " 24216b3a342b4c9541cdcfe9fe59600cf07cf2bd7b724ca5f940bbbca321c1c8"
    "34a991bb0155edb0c0c22a94e37ef206\n"
    /* tls13-chacha20 */
    "SERVER_HANDSHAKE_TRAFFIC_SECRET"
    " 6bdcecc887bf14c6f3a3579c76b6c180c4d493d926b4ef39326735b35df3eb66"
    " 415bf1986e37a26fe4e84362833638150c1cc41655f7c75012baf2ca85f53e1f\n"
    "EXPORTER_SECRET"
    " 6bdcecc887bf14c6f3a3579c76b6c180c4d493d926b4ef39326735b35df3eb66"
    " e991a991d19b71cc11c117423216d62c7f8b91dde06911a9a2d59c1cc3415df5\n"
    "SERVER_TRAFFIC_SECRET_0"
    " 6bdcecc887bf14c6f3a3579c76b6c180c4d493d926b4ef39326735b35df3eb66"
    " fcae682ec8411865c2a32b9eab1b419e236de73f6db384546c286638cd529683\n"
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
    " 6bdcecc887bf14c6f3a3579c76b6c180c4d493d926b4ef39326735b35df3eb66"
    " 089d2c323a2578887c6a5701f9bcf60223793fd1a36406cd967d55fd56ba8e6d\n"
    "CLIENT_TRAFFIC_SECRET_0"
    " 6bdcecc887bf14c6f3a3579c76b6c180c4d493d926b4ef39326735b35df3eb66"
    " f3493df012a424b4204a039d6a07ea7d118475ad05f592dc1d40a1505f506d81\n"
    /* tls13-aes128ccm */
    "SERVER_HANDSHAKE_TRAFFIC_SECRET"
    " 2fe23114810791869e3bf2e64c0c1cbe1b3aea0b8dd2bf3c3731ea9c0f9333f5"
    " b622a5ac721fb067e9393834a63de9042d1d2a8123575ed00271da7500860018\n"
    "EXPORTER_SECRET"
    " 2fe23114810791869e3bf2e64c0c1cbe1b3aea0b8dd2bf3c3731ea9c0f9333f5"
    " 52806050006280dedd3f37cf19048f1e69e051663e85ec91123ea62aac8b2e3c\n"
    "SERVER_TRAFFIC_SECRET_0"
    " 2fe23114810791869e3bf2e64c0c1cbe1b3aea0b8dd2bf3c3731ea9c0f9333f5"
    " 2bb58f4390b2a222a62bb05f55f585d7ea4cfe94dcb1a996a2a06e2c3a92d614\n"
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
    " 2fe23114810791869e3bf2e64c0c1cbe1b3aea0b8dd2bf3c3731ea9c0f9333f5"
    " fb2a2daab68e63b45ae22623e2046d3d49d4c5fffcf2bcc98372be8befed2bcf\n"
    "CLIENT_TRAFFIC_SECRET_0"
    " 2fe23114810791869e3bf2e64c0c1cbe1b3aea0b8dd2bf3c3731ea9c0f9333f5"
    " 35e071f7a516cd7f58a4a1b0d464e9f18eaa685aa4c490ac63ba32d4ac20a386\n"
    /* t13-ccm8 capture */
    "# SSL/TLS secrets log file, generated by OpenSSL\n"
    "SERVER_HANDSHAKE_TRAFFIC_SECRET"
    " 924275684488e8e0d6a79167b7d0658212bcfb870d6e2ae552b7e9e926df082f"
    " bd1adcb566e8032a556af2787c126b294a9515979725d39f2d7b15fbfa175f51\n"
    "EXPORTER_SECRET"
    " 924275684488e8e0d6a79167b7d0658212bcfb870d6e2ae552b7e9e926df082f"
    " 894a1544723ae189af32efa587b42fbfc1e09cdf1f1f18c0e6d3a5a99b0d5f93\n"
    "SERVER_TRAFFIC_SECRET_0"
    " 924275684488e8e0d6a79167b7d0658212bcfb870d6e2ae552b7e9e926df082f"
    " 19307cc86f71748d24e36e259fb3e1be71b7a60903dabbca5a892105f01ad13c\n"
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
    " 924275684488e8e0d6a79167b7d0658212bcfb870d6e2ae552b7e9e926df082f"
    " 452b1b2d4187c2737ba84f1d2933e0fdc357f5ba739890623e8c0ead100ce906\n"
    "CLIENT_TRAFFIC_SECRET_0"
    " 924275684488e8e0d6a79167b7d0658212bcfb870d6e2ae552b7e9e926df082f"
    " e87812713ba59580c53a65a31a1a716b0809d8c9aa22590d146bfbfcf588ebb6\n"
    /* tls12-ok */
    "CLIENT_RANDOM"
    " a1f71be3c5052bf0a01824edae3eb447a1f8dc947cc88c10dfb96a3cd4729a6b"
    " c92aed55f5102015048726ad9221c0f14362a4eadbba1360746645e57e14c02a"
    "2fb1de79f659ed132c6c5c3906ee8d95\n"
    /* t12-gcm capture */
    "# SSL/TLS secrets log file, generated by OpenSSL\n"
    "CLIENT_RANDOM"
    " 213eae8c8af028a266420b0cf1eb3de28138f6bf79927df07282cb75da7babca"
    " 8768aee42e60b9389a25dea598cace6b363910c910012723a56853f508f87ec3"
    "d880669ea81ecc8e1cc08008ff07c901\n"
    /* t12-chacha capture */
    "# SSL/TLS secrets log file, generated by OpenSSL\n"
    "CLIENT_RANDOM"
    " 67152f6cba007e20a5d19b20a84eff7075542a6da8d9361a1e4cf933580164e4"
    " a4a40078b99aa4fe56025e8873e68e3d92ad481a56f33d4054dc3dbfea7de683"
    "ccbc3ad247bbee307d519e55b75ba6e1\n"
    /* t12-ccm8 capture */
    "# SSL/TLS secrets log file, generated by OpenSSL\n"
    "RSA"
    " 18704858ac3c7185"
    " 0303c5fae6896ddf01462956354ba7b0ac8d1eb61d54ccb45b85df6195ed0459"
    "1a5a2ac6f130d833f8fe18968731f0e1\n"
    "CLIENT_RANDOM"
    " 383c2f6380279d3a021940ca42d219a2bf792ba372d8f05c860727790502d56b"
    " ac01d09b8e034e78f3c3432bb37b8644e95cacad704e9583d0b43c9a1cf87ed5"
    "111c87c8715a297f13bafb1df26614a6\n"
    /* RFC 8448 3 */
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
    " cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"
    " b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21\n"
    "SERVER_HANDSHAKE_TRAFFIC_SECRET"
    " cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"
    " b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38\n"
    "CLIENT_TRAFFIC_SECRET_0"
    " cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"
    " 9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5\n"
    "SERVER_TRAFFIC_SECRET_0"
    " cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"
    " a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643\n"
    ;

/* unhex decodes |hex| into an exactly sized heap buffer, so that ASan and
 * valgrind catch any read past its end. */
static uint8_t *
unhex(const char *hex, size_t *out_len)
{
	size_t n, i;
	uint8_t *b;
	unsigned int v;

	n = strlen(hex);
	ck_assert_uint_eq(n % 2, 0);
	b = malloc(n / 2 > 0 ? n / 2 : 1);
	ck_assert_ptr_nonnull(b);
	for (i = 0; i < n / 2; i++) {
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
	*out_len = n / 2;
	return b;
}

/* unhex_fixed decodes exactly |len| bytes of |hex| into |out|. */
static void
unhex_fixed(uint8_t *out, size_t len, const char *hex)
{
	uint8_t *b;
	size_t n;

	b = unhex(hex, &n);
	ck_assert_uint_eq(n, len);
	memcpy(out, b, len);
	free(b);
}

/* A protected record split into its header and an exactly sized body. */
struct rec {
	uint8_t		 ct;
	uint16_t	 version;
	uint8_t		*body;
	size_t		 len;
};

static void
rec_load(struct rec *r, const char *hex)
{
	uint8_t *all;
	size_t n;

	all = unhex(hex, &n);
	ck_assert_uint_ge(n, 5);
	ck_assert_uint_eq((size_t)(all[3] << 8 | all[4]), n - 5);
	r->ct = all[0];
	r->version = (uint16_t)(all[1] << 8 | all[2]);
	r->len = n - 5;
	r->body = malloc(r->len > 0 ? r->len : 1);
	ck_assert_ptr_nonnull(r->body);
	memcpy(r->body, all + 5, r->len);
	free(all);
}

static void
rec_free(struct rec *r)
{
	free(r->body);
	r->body = NULL;
}

/* open_hex decrypts the record |hex| of direction |dir|. */
static enum tls_decrypt_result
open_hex(struct tls_decrypt *d, int dir, const char *hex, uint8_t *inner_ct,
    const uint8_t **pt, size_t *pt_len)
{
	struct rec r;
	enum tls_decrypt_result res;

	rec_load(&r, hex);
	res = tls_decrypt_record(d, dir, r.ct, r.version, r.body, r.len,
	    inner_ct, pt, pt_len);
	rec_free(&r);
	return res;
}

/* expect_ok decrypts |hex| and checks the content type and the first
 * bytes of the plaintext (|head|, may be NULL). It returns the length. */
static size_t
expect_ok(struct tls_decrypt *d, int dir, const char *hex, uint8_t want_ct,
    const void *head, size_t head_len)
{
	uint8_t ct = 0xff;
	const uint8_t *pt = NULL;
	size_t len = 0;

	ck_assert_int_eq(open_hex(d, dir, hex, &ct, &pt, &len),
	    TLS_DECRYPT_OK);
	ck_assert_uint_eq(ct, want_ct);
	ck_assert_ptr_nonnull(pt);
	if (head != NULL) {
		ck_assert_uint_ge(len, head_len);
		ck_assert_mem_eq(pt, head, head_len);
	}
	return len;
}

static void
expect_res(struct tls_decrypt *d, int dir, const char *hex,
    enum tls_decrypt_result want)
{
	uint8_t ct;
	const uint8_t *pt;
	size_t len;

	ck_assert_int_eq(open_hex(d, dir, hex, &ct, &pt, &len), want);
}

/* tmp_write writes |len| bytes to a new temporary file and returns its
 * name (static storage; one at a time). */
static const char *
tmp_write(const void *p, size_t len)
{
	static char path[512];
	const char *dir;
	int fd;

	dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/check_tls_decrypt.XXXXXX", dir);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
	return path;
}

/* kl_bytes loads |len| bytes as a key log file into |kl|. */
static void
kl_bytes(struct keylog *kl, const void *p, size_t len)
{
	char errbuf[256];
	const char *path;

	path = tmp_write(p, len);
	ck_assert_msg(keylog_load(kl, path, errbuf, sizeof(errbuf)), "%s",
	    errbuf);
	unlink(path);
}

static struct keylog *
kl_text(const char *text)
{
	struct keylog *kl;

	kl = keylog_new();
	kl_bytes(kl, text, strlen(text));
	return kl;
}

/* dec_new makes the decryption state of a connection of keylog_all. */
static struct tls_decrypt *
dec_new(const struct keylog *kl, const char *client_random,
    uint16_t version, uint16_t suite, const char *server_random)
{
	uint8_t cr[32], sr[32];

	unhex_fixed(cr, sizeof(cr), client_random);
	unhex_fixed(sr, sizeof(sr), server_random);
	return tls_decrypt_new(kl, cr, version, suite, sr);
}

/*
 * seal13 protects |inner| (content, type and padding) as a TLS 1.3
 * record with AES-128-GCM (RFC 8446 5.2), written to |out|; it returns
 * the record length. The tests use it for what no capture holds:
 * padding, an all-zero inner plaintext, KeyUpdate.
 */
static size_t
seal13(uint8_t *out, size_t out_max, const uint8_t key[16],
    const uint8_t iv[12], uint64_t seq, const uint8_t *inner,
    size_t inner_len)
{
	EVP_CIPHER_CTX *c;
	uint8_t nonce[12];
	size_t len = inner_len + 16;
	int outl, i;

	ck_assert_uint_le(len + 5, out_max);
	memcpy(nonce, iv, 12);
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(seq >> (8 * i));
	out[0] = 23;
	out[1] = 3;
	out[2] = 3;
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
	c = EVP_CIPHER_CTX_new();
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key,
	    nonce), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(c, NULL, &outl, out, 5), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(c, out + 5, &outl, inner,
	    (int)inner_len), 1);
	ck_assert_int_eq(EVP_EncryptFinal_ex(c, out + 5 + outl, &outl), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16,
	    out + 5 + inner_len), 1);
	EVP_CIPHER_CTX_free(c);
	return len + 5;
}

/* open_raw decrypts a record held in |rec| (header included), copying
 * the body to an exactly sized buffer first. */
static enum tls_decrypt_result
open_raw(struct tls_decrypt *d, int dir, const uint8_t *rec, size_t rec_len,
    uint8_t *ct, const uint8_t **pt, size_t *pt_len)
{
	enum tls_decrypt_result res;
	uint8_t *body;

	body = malloc(rec_len - 5);
	ck_assert_ptr_nonnull(body);
	memcpy(body, rec + 5, rec_len - 5);
	res = tls_decrypt_record(d, dir, rec[0],
	    (uint16_t)(rec[1] << 8 | rec[2]), body, rec_len - 5, ct, pt,
	    pt_len);
	free(body);
	return res;
}

static const char *
srcdir_path(char *buf, size_t len, const char *rel)
{
	const char *dir;

	dir = getenv("srcdir");
	if (dir == NULL || *dir == '\0')
		dir = ".";
	snprintf(buf, len, "%s/%s", dir, rel);
	return buf;
}

/*
 * Key derivation against published vectors.
 */

static void
expect_label(const char *secret_hex, const char *label, const char *ctx_hex,
    const char *want_hex)
{
	uint8_t *secret, *ctx = NULL, *want, out[64];
	size_t secret_len, ctx_len = 0, want_len;

	secret = unhex(secret_hex, &secret_len);
	if (ctx_hex != NULL)
		ctx = unhex(ctx_hex, &ctx_len);
	want = unhex(want_hex, &want_len);
	ck_assert(tls_decrypt_expand_label(out, want_len, TLS_DECRYPT_SHA256,
	    secret, secret_len, label, ctx, ctx_len));
	ck_assert_mem_eq(out, want, want_len);
	free(secret);
	free(ctx);
	free(want);
}

/* RFC 8448 3: "derive write traffic keys" for every secret, the
 * finished key, and Derive-Secret with a transcript hash as context. */
START_TEST(test_rfc8448_expand_label)
{
	expect_label(rfc_s_hs, "key", NULL, rfc_s_hs_key);
	expect_label(rfc_s_hs, "iv", NULL, rfc_s_hs_iv);
	expect_label(rfc_c_hs, "key", NULL, rfc_c_hs_key);
	expect_label(rfc_c_hs, "iv", NULL, rfc_c_hs_iv);
	expect_label(rfc_s_ap, "key", NULL, rfc_s_ap_key);
	expect_label(rfc_s_ap, "iv", NULL, rfc_s_ap_iv);
	expect_label(rfc_c_ap, "key", NULL, rfc_c_ap_key);
	expect_label(rfc_c_ap, "iv", NULL, rfc_c_ap_iv);
	expect_label(rfc_s_hs, "finished", NULL, rfc_s_finished_key);
	expect_label(rfc_hs_secret, "s hs traffic", rfc_hello_hash, rfc_s_hs);
	expect_label(rfc_hs_secret, "c hs traffic", rfc_hello_hash, rfc_c_hs);
}
END_TEST

START_TEST(test_expand_label_limits)
{
	uint8_t secret[32], out[32];
	char label[300];

	memset(secret, 1, sizeof(secret));
	memset(label, 'a', sizeof(label));
	/* "tls13 " + label must fit opaque label<7..255>. */
	label[249] = '\0';
	ck_assert(tls_decrypt_expand_label(out, sizeof(out),
	    TLS_DECRYPT_SHA256, secret, sizeof(secret), label, NULL, 0));
	label[249] = 'a';
	label[250] = '\0';
	ck_assert(!tls_decrypt_expand_label(out, sizeof(out),
	    TLS_DECRYPT_SHA256, secret, sizeof(secret), label, NULL, 0));
	ck_assert(!tls_decrypt_expand_label(out, 0, TLS_DECRYPT_SHA256,
	    secret, sizeof(secret), "key", NULL, 0));
	ck_assert(!tls_decrypt_expand_label(out, sizeof(out),
	    TLS_DECRYPT_SHA256, secret, 0, "key", NULL, 0));
	ck_assert(!tls_decrypt_expand_label(out, sizeof(out),
	    TLS_DECRYPT_SHA256, secret, sizeof(secret), "key", secret, 256));
}
END_TEST

static void
expect_prf(enum tls_decrypt_hash h, const char *secret_hex,
    const char *seed_hex, const char *want_hex)
{
	uint8_t *secret, *seed, *want, out[160];
	size_t secret_len, seed_len, want_len;

	secret = unhex(secret_hex, &secret_len);
	seed = unhex(seed_hex, &seed_len);
	want = unhex(want_hex, &want_len);
	ck_assert(tls_decrypt_prf12(out, want_len, h, secret, secret_len,
	    "test label", seed, seed_len));
	ck_assert_mem_eq(out, want, want_len);
	/* P_hash is a stream: a shorter output is a prefix. */
	ck_assert(tls_decrypt_prf12(out, 13, h, secret, secret_len,
	    "test label", seed, seed_len));
	ck_assert_mem_eq(out, want, 13);
	free(secret);
	free(seed);
	free(want);
}

START_TEST(test_prf12_vectors)
{
	expect_prf(TLS_DECRYPT_SHA256, prf256_secret, prf256_seed, prf256_out);
	expect_prf(TLS_DECRYPT_SHA384, prf384_secret, prf384_seed, prf384_out);
}
END_TEST

/*
 * Key logs.
 */

START_TEST(test_keylog_good)
{
	struct keylog *kl;

	kl = kl_text(keylog_all);
	ck_assert_uint_eq(keylog_entries(kl), 33);
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	keylog_free(kl);
}
END_TEST

#define CR64 "a1f71be3c5052bf0a01824edae3eb447a1f8dc947cc88c10dfb96a3cd4729a6b"
#define MS96 "c92aed55f5102015048726ad9221c0f14362a4eadbba1360" \
	     "746645e57e14c02a2fb1de79f659ed132c6c5c3906ee8d95"
#define S64 "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"

/* Malformed lines are counted, one each; comments, blank lines and
 * unknown labels are not; the good lines around them still load. */
START_TEST(test_keylog_malformed)
{
	static const char text[] =
	    "# comment\n"
	    "   # indented comment\n"
	    "\n"
	    " \t \n"
	    "CLIENT_RANDOM " CR64 " " MS96 "\n"			/* good */
	    "CLIENT_RANDOM\n"					/* 1 */
	    "CLIENT_RANDOM " CR64 "\n"				/* 2 */
	    "CLIENT_RANDOM " CR64 " " MS96 " extra\n"		/* 3 */
	    "CLIENT_RANDOM a" CR64 " " MS96 "\n"		/* 4: odd */
	    "CLIENT_RANDOM " CR64 "aa " MS96 "\n"		/* 5: 33 bytes */
	    "CLIENT_RANDOM 1f71be3c5052bf0a01824edae3eb447a1f8dc947cc88c1"
	    "0dfb96a3cd4729a6b " MS96 "\n"			/* 6: 31 bytes */
	    "CLIENT_RANDOM " CR64 " " S64 "\n"			/* 7: 32-byte MS */
	    "CLIENT_RANDOM g1f71be3c5052bf0a01824edae3eb447a1f8dc947cc88c1"
	    "0dfb96a3cd4729a6b " MS96 "\n"			/* 8: not hex */
	    "client_random " CR64 " " MS96 "\n"			/* 9: label */
	    "hello world\n"					/* 10 */
	    "SERVER_HANDSHAKE_TRAFFIC_SECRET " CR64 " " S64 "00000000\n" /* 11 */
	    "SERVER_TRAFFIC_SECRET_0 " CR64 " " MS96 S64 "\n"	/* 12: 80 */
	    "EXPORTER_SECRET " CR64 " 0011\n"			/* 13 */
	    "NEW_LABEL_FROM_THE_FUTURE zz 00\n"			/* 14 */
	    "NEW_LABEL_FROM_THE_FUTURE 0011 2233445566\n"	/* ignored */
	    "RSA 18704858ac3c7185 " MS96 "\n"			/* ignored */
	    "SERVER_HANDSHAKE_TRAFFIC_SECRET\t" CR64 "\t" S64 "\n" /* good */
	    "EXPORTER_SECRET   " CR64 "   " S64 "   \n";	/* good */
	struct keylog *kl;

	kl = kl_text(text);
	ck_assert_uint_eq(keylog_bad_lines(kl), 14);
	ck_assert_uint_eq(keylog_entries(kl), 3);
	keylog_free(kl);
}
END_TEST

/* CRLF line endings (a key log edited on Windows) load the same. */
START_TEST(test_keylog_crlf)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	char *crlf;
	size_t i, n;

	crlf = malloc(2 * sizeof(keylog_all));
	ck_assert_ptr_nonnull(crlf);
	for (i = 0, n = 0; keylog_all[i] != '\0'; i++) {
		if (keylog_all[i] == '\n')
			crlf[n++] = '\r';
		crlf[n++] = keylog_all[i];
	}
	crlf[n] = '\0';
	kl = kl_text(crlf);
	ck_assert_uint_eq(keylog_entries(kl), 33);
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	d = dec_new(kl, t13ok_client_random, TLS13, 0x1302,
	    t13ok_server_random);
	ck_assert_ptr_nonnull(d);
	expect_ok(d, 1, t13ok_ee, 22, "\x08", 1);
	tls_decrypt_free(d);
	keylog_free(kl);
	free(crlf);
}
END_TEST

/* The last line needs no newline. */
START_TEST(test_keylog_no_final_newline)
{
	struct keylog *kl;

	kl = kl_text("CLIENT_RANDOM " CR64 " " MS96);
	ck_assert_uint_eq(keylog_entries(kl), 1);
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	keylog_free(kl);
	kl = kl_text("CLIENT_RANDOM " CR64 " " MS96 "\r\r");
	ck_assert_uint_eq(keylog_entries(kl), 1);
	keylog_free(kl);
	/* CR is a blank inside a line, never a line end of its own. */
	kl = kl_text("CLIENT_RANDOM " CR64 "\r" MS96 "\n");
	ck_assert_uint_eq(keylog_entries(kl), 1);
	keylog_free(kl);
	kl = kl_text("CLIENT_RANDOM " CR64 " " MS96 "\r"
	    "CLIENT_RANDOM " CR64 " " MS96 "\n");
	ck_assert_uint_eq(keylog_entries(kl), 0);
	ck_assert_uint_eq(keylog_bad_lines(kl), 1);
	keylog_free(kl);
}
END_TEST

START_TEST(test_keylog_empty)
{
	struct keylog *kl;

	kl = keylog_new();
	kl_bytes(kl, "", 0);
	ck_assert_uint_eq(keylog_entries(kl), 0);
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	keylog_free(kl);
}
END_TEST

/* A NUL byte makes its line malformed, not shorter. */
START_TEST(test_keylog_nul)
{
	static const char text[] =
	    "CLIENT_RANDOM " CR64 " " MS96 "\0garbage\n"
	    "CLIENT_RANDOM " CR64 " " MS96 "\n";
	struct keylog *kl;

	kl = keylog_new();
	kl_bytes(kl, text, sizeof(text) - 1);
	ck_assert_uint_eq(keylog_bad_lines(kl), 1);
	ck_assert_uint_eq(keylog_entries(kl), 1);
	keylog_free(kl);
}
END_TEST

/* Overlong lines are skipped whole and counted once, with or without a
 * final newline; a good line padded with blanks still loads. */
START_TEST(test_keylog_long_lines)
{
	static const char good[] = "CLIENT_RANDOM " CR64 " " MS96;
	struct keylog *kl;
	char *text;
	size_t big = 1024 * 1024, n;

	text = malloc(2 * big + 4096);
	ck_assert_ptr_nonnull(text);
	n = 0;
	memset(text + n, 'A', big);		/* 1 MiB of one line */
	n += big;
	text[n++] = '\n';
	memcpy(text + n, good, strlen(good));	/* then a good line */
	n += strlen(good);
	memset(text + n, ' ', 700);		/* under the line cap */
	n += 700;
	text[n++] = '\n';
	memset(text + n, '#', big);		/* overlong comment, no \n */
	n += big;
	kl = keylog_new();
	kl_bytes(kl, text, n);
	ck_assert_uint_eq(keylog_bad_lines(kl), 2);
	ck_assert_uint_eq(keylog_entries(kl), 1);
	keylog_free(kl);
	free(text);
}
END_TEST

/* keylog_follow reads a file as it grows: complete lines only, a line
 * being written on the next call, nothing again, and a truncated file
 * from the start; a missing file is flagged, not fatal. */
START_TEST(test_keylog_follow)
{
	struct keylog *kl;
	char errbuf[256];
	const char *line1 = "CLIENT_RANDOM " CR64 " " MS96 "\n";
	const char *half = "CLIENT_RANDOM " CR64;
	char *path;
	uint64_t off = 0;
	bool missing;
	FILE *fp;

	kl = keylog_new();
	path = strdup(tmp_write(line1, strlen(line1)));
	ck_assert(keylog_follow(kl, path, &off, &missing, errbuf,
	    sizeof(errbuf)));
	ck_assert_uint_eq(off, strlen(line1));
	ck_assert_uint_eq(keylog_entries(kl), 1);
	/* A second line, its first half only: not read yet. */
	fp = fopen(path, "a");
	ck_assert_ptr_nonnull(fp);
	fputs(half, fp);
	fflush(fp);
	ck_assert(keylog_follow(kl, path, &off, &missing, NULL, 0));
	ck_assert_uint_eq(off, strlen(line1));
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	/* The rest, with another client random. */
	fputs(" " MS96 "\nCLIENT_RANDOM "
	    "b1f71be3c5052bf0a01824edae3eb447a1f8dc947cc88c10dfb96a3cd4729a6b "
	    MS96 "\n", fp);
	fclose(fp);
	ck_assert(keylog_follow(kl, path, &off, &missing, NULL, 0));
	ck_assert_uint_eq(keylog_entries(kl), 2);
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	/* Truncated and rewritten: read from the start (a duplicate). */
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(line1, fp);
	fclose(fp);
	ck_assert(keylog_follow(kl, path, &off, &missing, NULL, 0));
	ck_assert_uint_eq(off, strlen(line1));
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	unlink(path);
	ck_assert(!keylog_follow(kl, path, &off, &missing, errbuf,
	    sizeof(errbuf)));
	ck_assert(missing);
	free(path);
	keylog_free(kl);
}
END_TEST

START_TEST(test_keylog_missing_file)
{
	struct keylog *kl;
	char errbuf[256];

	kl = keylog_new();
	errbuf[0] = '\0';
	ck_assert(!keylog_load(kl, "/nonexistent/dir/sslkeys.log", errbuf,
	    sizeof(errbuf)));
	ck_assert_ptr_nonnull(strstr(errbuf, "/nonexistent/dir/sslkeys.log"));
	/* A short error buffer is truncated, not overrun. */
	ck_assert(!keylog_load(kl, "/nonexistent/dir/sslkeys.log", errbuf,
	    8));
	ck_assert_uint_eq(strlen(errbuf), 7);
	ck_assert(!keylog_load(kl, "/nonexistent", NULL, 0));
	ck_assert_uint_eq(keylog_entries(kl), 0);
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	keylog_free(kl);
}
END_TEST

/* A directory opens but cannot be read: an error, not an empty log. */
START_TEST(test_keylog_directory)
{
	struct keylog *kl;
	char errbuf[256];

	kl = keylog_new();
	errbuf[0] = '\0';
	ck_assert(!keylog_load(kl, "/", errbuf, sizeof(errbuf)));
	ck_assert_uint_gt(strlen(errbuf), 0);
	keylog_free(kl);
}
END_TEST

/* Loading the same lines again adds nothing; a later secret for the same
 * client random and label replaces the earlier one. */
START_TEST(test_keylog_duplicates)
{
	static const char wrong[] =
	    "SERVER_HANDSHAKE_TRAFFIC_SECRET "
	    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";
	struct keylog *kl;
	struct tls_decrypt *d;

	kl = kl_text(keylog_all);
	kl_bytes(kl, keylog_all, strlen(keylog_all));
	ck_assert_uint_eq(keylog_entries(kl), 33);
	kl_bytes(kl, wrong, strlen(wrong));
	ck_assert_uint_eq(keylog_entries(kl), 33);
	d = dec_new(kl, rfc_client_random, TLS13, 0x1301, rfc_server_random);
	ck_assert_ptr_nonnull(d);
	expect_res(d, 1, rfc_server_flight, TLS_DECRYPT_BAD_KEY);
	tls_decrypt_free(d);
	kl_bytes(kl, keylog_all, strlen(keylog_all));
	d = dec_new(kl, rfc_client_random, TLS13, 0x1301, rfc_server_random);
	ck_assert_ptr_nonnull(d);
	expect_ok(d, 1, rfc_server_flight, 22, NULL, 0);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

/* Many client randoms: the table grows and finds every one. */
START_TEST(test_keylog_many)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	uint8_t cr[32], sr[32];
	char *text, line[256];
	size_t n, i, num = 5000;

	text = malloc(num * 200);
	ck_assert_ptr_nonnull(text);
	n = 0;
	for (i = 0; i < num; i++) {
		n += (size_t)snprintf(text + n, num * 200 - n,
		    "CLIENT_RANDOM %056zx%08zx " MS96 "\n", i * 7919, i);
	}
	kl = kl_text(text);
	ck_assert_uint_eq(keylog_entries(kl), num);
	ck_assert_uint_eq(keylog_bad_lines(kl), 0);
	memset(sr, 0, sizeof(sr));
	for (i = 0; i < num; i += 97) {
		snprintf(line, sizeof(line), "%056zx%08zx", i * 7919, i);
		unhex_fixed(cr, sizeof(cr), line);
		d = tls_decrypt_new(kl, cr, TLS12, 0xc030, sr);
		ck_assert_ptr_nonnull(d);
		tls_decrypt_free(d);
	}
	snprintf(line, sizeof(line), "%056zx%08zx", (size_t)1, num);
	unhex_fixed(cr, sizeof(cr), line);
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS12, 0xc030, sr));
	keylog_free(kl);
	free(text);
}
END_TEST

/* The key logs shipped with the captures load without a bad line. */
START_TEST(test_keylog_real_files)
{
	static const struct {
		const char	*file;
		size_t		 entries;	/* 0: any */
	} files[] = {
		{ "pcaps/tls13-ok.keys", 5 },
		{ "pcaps/tls12-ok.keys", 1 },
		{ "pcaps/tls13-hrr.keys", 5 },
		{ "pcaps/mixed-20.keys", 0 },
	};
	struct keylog *kl;
	char path[1024], errbuf[256];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		kl = keylog_new();
		srcdir_path(path, sizeof(path), files[i].file);
		ck_assert_msg(keylog_load(kl, path, errbuf, sizeof(errbuf)),
		    "%s", errbuf);
		ck_assert_uint_eq(keylog_bad_lines(kl), 0);
		if (files[i].entries != 0)
			ck_assert_uint_eq(keylog_entries(kl),
			    files[i].entries);
		else
			ck_assert_uint_gt(keylog_entries(kl), 0);
		keylog_free(kl);
	}
}
END_TEST

START_TEST(test_free_null)
{
	keylog_free(NULL);
	tls_decrypt_free(NULL);
	ck_assert(!tls_decrypt_active(NULL, 0));
	tls_decrypt_ccs(NULL, 0);
	tls_decrypt_finished(NULL, 0);
	tls_decrypt_key_update(NULL, 0);
}
END_TEST

/*
 * TLS 1.3.
 */

/* The whole RFC 8448 3 exchange, in both directions and both phases. */
START_TEST(test_rfc8448_records)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	uint8_t *head, *fin, *cfin, counting[50], ct;
	const uint8_t *pt;
	size_t head_len, fin_len, cfin_len, len, i;

	for (i = 0; i < sizeof(counting); i++)
		counting[i] = (uint8_t)i;
	head = unhex(rfc_flight_head, &head_len);
	fin = unhex(rfc_server_finished, &fin_len);
	cfin = unhex(rfc_client_finished, &cfin_len);
	kl = kl_text(keylog_all);
	d = dec_new(kl, rfc_client_random, TLS13, 0x1301, rfc_server_random);
	ck_assert_ptr_nonnull(d);
	ck_assert(tls_decrypt_active(d, 0));
	ck_assert(tls_decrypt_active(d, 1));

	/* EncryptedExtensions .. Finished: 657 bytes of handshake. */
	ck_assert_int_eq(open_hex(d, 1, rfc_server_flight, &ct, &pt, &len),
	    TLS_DECRYPT_OK);
	ck_assert_uint_eq(ct, 22);
	ck_assert_uint_eq(len, 657);
	ck_assert_mem_eq(pt, head, head_len);
	ck_assert_mem_eq(pt + len - fin_len, fin, fin_len);
	/* Still handshake keys: the ticket does not open yet. */
	expect_res(d, 1, rfc_ticket_rec, TLS_DECRYPT_BAD_KEY);
	tls_decrypt_finished(d, 1);
	ck_assert(tls_decrypt_active(d, 1));
	expect_ok(d, 1, rfc_ticket_rec, 22, "\x04", 1);

	len = expect_ok(d, 0, rfc_client_finished_rec, 22, cfin, cfin_len);
	ck_assert_uint_eq(len, cfin_len);
	tls_decrypt_finished(d, 0);
	len = expect_ok(d, 0, rfc_client_app_rec, 23, counting,
	    sizeof(counting));
	ck_assert_uint_eq(len, sizeof(counting));
	len = expect_ok(d, 1, rfc_server_app_rec, 23, counting,
	    sizeof(counting));
	ck_assert_uint_eq(len, sizeof(counting));
	len = expect_ok(d, 0, rfc_client_alert_rec, 21, "\x01\x00", 2);
	ck_assert_uint_eq(len, 2);
	/* A record is not accepted twice: its sequence number is used. */
	expect_res(d, 0, rfc_client_alert_rec, TLS_DECRYPT_BAD_KEY);

	tls_decrypt_free(d);
	keylog_free(kl);
	free(head);
	free(fin);
	free(cfin);
}
END_TEST

/* A changed byte anywhere, header included (it is the additional data),
 * fails authentication and leaves the sequence number alone. */
START_TEST(test_tls13_tamper)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	struct rec r;
	uint8_t ct;
	const uint8_t *pt;
	size_t len, pos;

	kl = kl_text(keylog_all);
	d = dec_new(kl, rfc_client_random, TLS13, 0x1301, rfc_server_random);
	ck_assert_ptr_nonnull(d);
	rec_load(&r, rfc_client_finished_rec);
	ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, 0x0301, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	for (pos = 0; pos < r.len; pos += 7) {
		r.body[pos] ^= 0x01;
		ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, r.version,
		    r.body, r.len, &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
		r.body[pos] ^= 0x01;
	}
	r.body[r.len - 1] ^= 0x80;	/* last tag byte */
	ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	r.body[r.len - 1] ^= 0x80;
	/* Wrong direction: the server's keys. */
	ck_assert_int_eq(tls_decrypt_record(d, 1, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	/* The untouched record still opens at sequence number 0. */
	ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_OK);
	ck_assert_uint_eq(ct, 22);
	rec_free(&r);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

/* Every strict prefix of a record body fails (loop over lengths). */
START_TEST(test_tls13_prefixes)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	struct rec r;
	uint8_t ct, *cut;
	const uint8_t *pt;
	size_t len, n = (size_t)_i;

	kl = kl_text(keylog_all);
	d = dec_new(kl, t13ok_client_random, TLS13, 0x1302,
	    t13ok_server_random);
	ck_assert_ptr_nonnull(d);
	rec_load(&r, t13ok_ee);
	ck_assert_uint_lt(n, r.len);
	cut = malloc(n > 0 ? n : 1);
	ck_assert_ptr_nonnull(cut);
	memcpy(cut, r.body, n);
	ck_assert_int_eq(tls_decrypt_record(d, 1, r.ct, r.version, cut, n,
	    &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	free(cut);
	ck_assert_int_eq(tls_decrypt_record(d, 1, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_OK);
	rec_free(&r);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

/* tls13-ok.pcap: every record of the connection, in order, decrypts to
 * the handshake types tshark shows. */
START_TEST(test_tls13_ok_capture)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	size_t len;

	kl = kl_text(keylog_all);
	d = dec_new(kl, t13ok_client_random, TLS13, 0x1302,
	    t13ok_server_random);
	ck_assert_ptr_nonnull(d);
	/* EncryptedExtensions: type 8, 2 bytes of empty extensions. */
	len = expect_ok(d, 1, t13ok_ee, 22, "\x08\x00\x00\x02\x00\x00", 6);
	ck_assert_uint_eq(len, 6);
	expect_ok(d, 1, t13ok_cert, 22, "\x0b", 1);
	expect_ok(d, 1, t13ok_cv, 22, "\x0f", 1);
	/* Finished: SHA-384 verify_data. */
	len = expect_ok(d, 1, t13ok_sfin, 22, "\x14\x00\x00\x30", 4);
	ck_assert_uint_eq(len, 4 + 48);
	tls_decrypt_finished(d, 1);
	len = expect_ok(d, 0, t13ok_cfin, 22, "\x14\x00\x00\x30", 4);
	ck_assert_uint_eq(len, 4 + 48);
	tls_decrypt_finished(d, 0);
	expect_ok(d, 0, t13ok_capp, 23, "GET /", 5);
	expect_ok(d, 1, t13ok_nst1, 22, "\x04", 1);
	/* A second Finished (post-handshake authentication) keeps the
	 * application keys and their sequence numbers. */
	tls_decrypt_finished(d, 1);
	expect_ok(d, 1, t13ok_nst2, 22, "\x04", 1);
	expect_ok(d, 1, t13ok_sapp, 23, "HTTP/", 5);
	len = expect_ok(d, 1, t13ok_salert, 21, "\x01\x00", 2);
	ck_assert_uint_eq(len, 2);
	len = expect_ok(d, 0, t13ok_calert, 21, "\x01\x00", 2);
	ck_assert_uint_eq(len, 2);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

static const struct tls13_case {
	const char	*name;
	uint16_t	 suite;
	const char	*client_random;
	const char	*server_random;
	const char	*ee;		/* server, handshake keys, seq 0 */
	const char	*cfin;		/* client, handshake keys, seq 0 */
	const char	*nst;		/* server, application keys, seq 0 */
	const char	*capp;		/* client, application keys, seq 0 */
} tls13_cases[] = {
	{ "TLS_AES_128_GCM_SHA256 (RFC 8448)", 0x1301, rfc_client_random,
	  rfc_server_random, rfc_server_flight, rfc_client_finished_rec,
	  rfc_ticket_rec, NULL },
	{ "TLS_AES_256_GCM_SHA384", 0x1302, t13aes256_client_random,
	  t13aes256_server_random, t13aes256_ee, t13aes256_cfin, NULL, NULL },
	{ "TLS_CHACHA20_POLY1305_SHA256", 0x1303, t13chacha_client_random,
	  t13chacha_server_random, t13chacha_ee, t13chacha_cfin, t13chacha_nst,
	  t13chacha_capp },
	{ "TLS_AES_128_CCM_SHA256", 0x1304, t13ccm_client_random,
	  t13ccm_server_random, t13ccm_ee, t13ccm_cfin, t13ccm_nst,
	  t13ccm_capp },
	{ "TLS_AES_128_CCM_8_SHA256", 0x1305, t13ccm8_client_random,
	  t13ccm8_server_random, t13ccm8_ee, t13ccm8_cfin, t13ccm8_nst,
	  t13ccm8_capp },
};

/* Each TLS 1.3 suite: the first record of each kind opens; a flipped
 * byte does not. */
START_TEST(test_tls13_suites)
{
	const struct tls13_case *tc = &tls13_cases[_i];
	struct keylog *kl;
	struct tls_decrypt *d;
	struct rec r;
	uint8_t ct;
	const uint8_t *pt;
	size_t len;

	kl = kl_text(keylog_all);
	d = dec_new(kl, tc->client_random, TLS13, tc->suite,
	    tc->server_random);
	ck_assert_msg(d != NULL, "%s", tc->name);
	rec_load(&r, tc->ee);
	r.body[r.len / 2] ^= 0x20;
	ck_assert_int_eq(tls_decrypt_record(d, 1, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	rec_free(&r);
	expect_ok(d, 1, tc->ee, 22, "\x08", 1);
	expect_ok(d, 0, tc->cfin, 22, "\x14", 1);
	tls_decrypt_finished(d, 1);
	tls_decrypt_finished(d, 0);
	if (tc->nst != NULL)
		expect_ok(d, 1, tc->nst, 22, "\x04", 1);
	if (tc->capp != NULL)
		expect_ok(d, 0, tc->capp, 23, "GET /", 5);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

/* tls_decrypt_new says no without a secret of the right size for the
 * client random, or for a version and suite it does not open. */
START_TEST(test_new_refuses)
{
	struct keylog *kl, *empty;
	struct tls_decrypt *d;
	uint8_t cr[32], sr[32];

	kl = kl_text(keylog_all);
	empty = keylog_new();
	unhex_fixed(sr, sizeof(sr), t13ok_server_random);
	unhex_fixed(cr, sizeof(cr), t13ok_client_random);
	ck_assert_ptr_null(tls_decrypt_new(empty, cr, TLS13, 0x1302, sr));
	ck_assert_ptr_null(tls_decrypt_new(NULL, cr, TLS13, 0x1302, sr));
	/* 48-byte secrets do not fit a SHA-256 suite. */
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS13, 0x1301, sr));
	/* Unknown or non-TLS 1.3 suites; a TLS 1.3 suite in TLS 1.2. */
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS13, 0x1306, sr));
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS13, 0xc030, sr));
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS12, 0x1302, sr));
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, 0x7f10, 0x1302, sr));
	/* A TLS 1.3 draft with RFC 8446 record protection. */
	d = tls_decrypt_new(kl, cr, 0x7f1c, 0x1302, sr);
	ck_assert_ptr_nonnull(d);
	tls_decrypt_free(d);
	/* TLS 1.2: a TLS 1.3 client random has no master secret. */
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS12, 0xc030, sr));
	unhex_fixed(cr, sizeof(cr), t12ok_client_random);
	unhex_fixed(sr, sizeof(sr), t12ok_server_random);
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS12, 0x002f, sr));
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS12, 0xc027, sr));
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, 0x0302, 0xc030, sr));
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, 0x0301, 0xc030, sr));
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS12, 0xc030, NULL));
	ck_assert_ptr_null(tls_decrypt_new(kl, cr, TLS13, 0x1302, sr));
	keylog_free(empty);
	keylog_free(kl);
}
END_TEST

/* Only the handshake secrets: after Finished there is no key; only the
 * application secrets: none before Finished. */
START_TEST(test_tls13_partial_log)
{
	static const char hs_only[] =
	    "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
	    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
	    "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21\n"
	    "SERVER_HANDSHAKE_TRAFFIC_SECRET "
	    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
	    "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38\n";
	static const char ap_only[] =
	    "SERVER_TRAFFIC_SECRET_0 "
	    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
	    "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643\n";
	struct keylog *kl;
	struct tls_decrypt *d;

	kl = kl_text(hs_only);
	d = dec_new(kl, rfc_client_random, TLS13, 0x1301, rfc_server_random);
	ck_assert_ptr_nonnull(d);
	expect_ok(d, 1, rfc_server_flight, 22, "\x08", 1);
	tls_decrypt_finished(d, 1);
	ck_assert(!tls_decrypt_active(d, 1));
	expect_res(d, 1, rfc_ticket_rec, TLS_DECRYPT_NO_KEY);
	ck_assert(tls_decrypt_active(d, 0));
	tls_decrypt_free(d);
	keylog_free(kl);

	kl = kl_text(ap_only);
	d = dec_new(kl, rfc_client_random, TLS13, 0x1301, rfc_server_random);
	ck_assert_ptr_nonnull(d);
	ck_assert(!tls_decrypt_active(d, 0));
	ck_assert(!tls_decrypt_active(d, 1));
	expect_res(d, 1, rfc_server_flight, TLS_DECRYPT_NO_KEY);
	tls_decrypt_finished(d, 1);
	ck_assert(tls_decrypt_active(d, 1));
	expect_ok(d, 1, rfc_ticket_rec, 22, "\x04", 1);
	tls_decrypt_finished(d, 0);
	ck_assert(!tls_decrypt_active(d, 0));
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

/* Padding is stripped; an all-zero inner plaintext has no content type
 * (reported as 0); KeyUpdate moves to the next secret (RFC 8446 7.2). */
START_TEST(test_tls13_padding_key_update)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	uint8_t key[16], iv[12], secret[32], next[32], rec[128], inner[64];
	uint8_t ct;
	const uint8_t *pt;
	size_t n, len;

	kl = kl_text(keylog_all);
	d = dec_new(kl, rfc_client_random, TLS13, 0x1301, rfc_server_random);
	ck_assert_ptr_nonnull(d);
	tls_decrypt_finished(d, 1);
	unhex_fixed(key, sizeof(key), rfc_s_ap_key);
	unhex_fixed(iv, sizeof(iv), rfc_s_ap_iv);

	memset(inner, 0, sizeof(inner));
	memcpy(inner, "hello\x17", 6);			/* + 20 zeros */
	n = seal13(rec, sizeof(rec), key, iv, 0, inner, 26);
	ck_assert_int_eq(open_raw(d, 1, rec, n, &ct, &pt, &len),
	    TLS_DECRYPT_OK);
	ck_assert_uint_eq(ct, 23);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(pt, "hello", 5);

	memset(inner, 0, sizeof(inner));
	n = seal13(rec, sizeof(rec), key, iv, 1, inner, 9);
	ck_assert_int_eq(open_raw(d, 1, rec, n, &ct, &pt, &len),
	    TLS_DECRYPT_OK);
	ck_assert_uint_eq(ct, 0);
	ck_assert_uint_eq(len, 0);

	/* A record under the next secret fails until the KeyUpdate. */
	unhex_fixed(secret, sizeof(secret), rfc_s_ap);
	ck_assert(tls_decrypt_expand_label(next, sizeof(next),
	    TLS_DECRYPT_SHA256, secret, sizeof(secret), "traffic upd", NULL,
	    0));
	ck_assert(tls_decrypt_expand_label(key, sizeof(key),
	    TLS_DECRYPT_SHA256, next, sizeof(next), "key", NULL, 0));
	ck_assert(tls_decrypt_expand_label(iv, sizeof(iv),
	    TLS_DECRYPT_SHA256, next, sizeof(next), "iv", NULL, 0));
	memcpy(inner, "x\x16", 2);
	n = seal13(rec, sizeof(rec), key, iv, 0, inner, 2);
	ck_assert_int_eq(open_raw(d, 1, rec, n, &ct, &pt, &len),
	    TLS_DECRYPT_BAD_KEY);
	tls_decrypt_key_update(d, 1);
	ck_assert_int_eq(open_raw(d, 1, rec, n, &ct, &pt, &len),
	    TLS_DECRYPT_OK);
	ck_assert_uint_eq(ct, 22);
	ck_assert_uint_eq(len, 1);
	/* KeyUpdate during the handshake changes nothing. */
	tls_decrypt_key_update(d, 0);
	expect_ok(d, 0, rfc_client_finished_rec, 22, "\x14", 1);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

/* Records that are not protected, or a direction out of range, are not
 * for the decrypter; neither consumes a sequence number. */
START_TEST(test_tls13_not_protected)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	struct rec r;
	uint8_t ct;
	const uint8_t *pt;
	size_t len;

	kl = kl_text(keylog_all);
	d = dec_new(kl, rfc_client_random, TLS13, 0x1301, rfc_server_random);
	ck_assert_ptr_nonnull(d);
	rec_load(&r, rfc_client_finished_rec);
	ck_assert_int_eq(tls_decrypt_record(d, 0, 21, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_NO_KEY);
	ck_assert_int_eq(tls_decrypt_record(d, 2, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_NO_KEY);
	ck_assert_int_eq(tls_decrypt_record(d, -1, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_NO_KEY);
	ck_assert_int_eq(tls_decrypt_record(NULL, 0, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_NO_KEY);
	ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, r.version, NULL, 0,
	    &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	ck_assert(!tls_decrypt_active(d, 2));
	/* ChangeCipherSpec means nothing in TLS 1.3. */
	tls_decrypt_ccs(d, 0);
	ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_OK);
	rec_free(&r);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

/*
 * TLS 1.2.
 */

static const struct tls12_case {
	const char	*name;
	uint16_t	 suite;
	const char	*client_random;
	const char	*server_random;
	const char	*cfin, *capp, *calert;
	const char	*sfin, *sapp, *salert;
} tls12_cases[] = {
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xc030,
	  t12ok_client_random, t12ok_server_random, t12ok_cfin, t12ok_capp,
	  t12ok_calert, t12ok_sfin, t12ok_sapp, t12ok_salert },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f,
	  t12gcm_client_random, t12gcm_server_random, t12gcm_cfin,
	  t12gcm_capp, NULL, t12gcm_sfin, t12gcm_sapp, NULL },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca8,
	  t12chacha_client_random, t12chacha_server_random, t12chacha_cfin,
	  t12chacha_capp, NULL, t12chacha_sfin, t12chacha_sapp, NULL },
	{ "TLS_RSA_WITH_AES_256_CCM_8", 0xc0a1, t12ccm8_client_random,
	  t12ccm8_server_random, t12ccm8_cfin, t12ccm8_capp, NULL,
	  t12ccm8_sfin, t12ccm8_sapp, NULL },
};

/* Each TLS 1.2 AEAD suite: nothing before ChangeCipherSpec, then
 * Finished (12 bytes of verify_data), application data and alerts in
 * sequence; a flipped byte fails. */
START_TEST(test_tls12_suites)
{
	const struct tls12_case *tc = &tls12_cases[_i];
	struct keylog *kl;
	struct tls_decrypt *d;
	struct rec r;
	uint8_t ct;
	const uint8_t *pt;
	size_t len;

	kl = kl_text(keylog_all);
	d = dec_new(kl, tc->client_random, TLS12, tc->suite,
	    tc->server_random);
	ck_assert_msg(d != NULL, "%s", tc->name);
	ck_assert(!tls_decrypt_active(d, 0));
	ck_assert(!tls_decrypt_active(d, 1));
	expect_res(d, 0, tc->cfin, TLS_DECRYPT_NO_KEY);
	/* Finished is not a TLS 1.3 key change. */
	tls_decrypt_finished(d, 0);
	ck_assert(!tls_decrypt_active(d, 0));

	tls_decrypt_ccs(d, 0);
	ck_assert(tls_decrypt_active(d, 0));
	ck_assert(!tls_decrypt_active(d, 1));
	rec_load(&r, tc->cfin);
	r.body[r.len - 3] ^= 0x04;
	ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	/* The content type is in the additional data. */
	r.body[r.len - 3] ^= 0x04;
	ck_assert_int_eq(tls_decrypt_record(d, 0, 23, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	rec_free(&r);
	len = expect_ok(d, 0, tc->cfin, 22, "\x14\x00\x00\x0c", 4);
	ck_assert_uint_eq(len, 16);
	expect_ok(d, 0, tc->capp, 23, "GET /", 5);
	if (tc->calert != NULL) {
		len = expect_ok(d, 0, tc->calert, 21, "\x01\x00", 2);
		ck_assert_uint_eq(len, 2);
	}
	/* The server's records need the server's ChangeCipherSpec. */
	expect_res(d, 1, tc->sfin, TLS_DECRYPT_NO_KEY);
	tls_decrypt_ccs(d, 1);
	len = expect_ok(d, 1, tc->sfin, 22, "\x14\x00\x00\x0c", 4);
	ck_assert_uint_eq(len, 16);
	expect_ok(d, 1, tc->sapp, 23, "HTTP/", 5);
	if (tc->salert != NULL) {
		len = expect_ok(d, 1, tc->salert, 21, "\x01\x00", 2);
		ck_assert_uint_eq(len, 2);
	}
	/* Out of order: the sequence number has moved on. */
	expect_res(d, 1, tc->sfin, TLS_DECRYPT_BAD_KEY);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

/* Every strict prefix of a TLS 1.2 record body fails, including those
 * shorter than the explicit nonce. */
START_TEST(test_tls12_prefixes)
{
	struct keylog *kl;
	struct tls_decrypt *d;
	struct rec r;
	uint8_t ct, *cut;
	const uint8_t *pt;
	size_t len, n = (size_t)_i;

	kl = kl_text(keylog_all);
	d = dec_new(kl, t12ok_client_random, TLS12, 0xc030,
	    t12ok_server_random);
	ck_assert_ptr_nonnull(d);
	tls_decrypt_ccs(d, 0);
	rec_load(&r, t12ok_cfin);
	ck_assert_uint_lt(n, r.len);
	cut = malloc(n > 0 ? n : 1);
	ck_assert_ptr_nonnull(cut);
	memcpy(cut, r.body, n);
	ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, r.version, cut, n,
	    &ct, &pt, &len), TLS_DECRYPT_BAD_KEY);
	free(cut);
	ck_assert_int_eq(tls_decrypt_record(d, 0, r.ct, r.version, r.body,
	    r.len, &ct, &pt, &len), TLS_DECRYPT_OK);
	rec_free(&r);
	tls_decrypt_free(d);
	keylog_free(kl);
}
END_TEST

static Suite *
tls_decrypt_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("tls_decrypt");

	tc = tcase_create("KDF");
	tcase_add_test(tc, test_rfc8448_expand_label);
	tcase_add_test(tc, test_expand_label_limits);
	tcase_add_test(tc, test_prf12_vectors);
	suite_add_tcase(s, tc);

	tc = tcase_create("Keylog");
	tcase_add_test(tc, test_keylog_good);
	tcase_add_test(tc, test_keylog_malformed);
	tcase_add_test(tc, test_keylog_crlf);
	tcase_add_test(tc, test_keylog_no_final_newline);
	tcase_add_test(tc, test_keylog_empty);
	tcase_add_test(tc, test_keylog_nul);
	tcase_add_test(tc, test_keylog_long_lines);
	tcase_add_test(tc, test_keylog_missing_file);
	tcase_add_test(tc, test_keylog_follow);
	tcase_add_test(tc, test_keylog_directory);
	tcase_add_test(tc, test_keylog_duplicates);
	tcase_add_test(tc, test_keylog_many);
	tcase_add_test(tc, test_keylog_real_files);
	tcase_add_test(tc, test_free_null);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("TLS13");
	tcase_add_test(tc, test_rfc8448_records);
	tcase_add_test(tc, test_tls13_tamper);
	tcase_add_loop_test(tc, test_tls13_prefixes, 0, 23);
	tcase_add_test(tc, test_tls13_ok_capture);
	tcase_add_loop_test(tc, test_tls13_suites, 0,
	    (int)(sizeof(tls13_cases) / sizeof(tls13_cases[0])));
	tcase_add_test(tc, test_new_refuses);
	tcase_add_test(tc, test_tls13_partial_log);
	tcase_add_test(tc, test_tls13_padding_key_update);
	tcase_add_test(tc, test_tls13_not_protected);
	suite_add_tcase(s, tc);

	tc = tcase_create("TLS12");
	tcase_add_loop_test(tc, test_tls12_suites, 0,
	    (int)(sizeof(tls12_cases) / sizeof(tls12_cases[0])));
	tcase_add_loop_test(tc, test_tls12_prefixes, 0, 40);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(tls_decrypt_suite());
}
