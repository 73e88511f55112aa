/** Values the definition needs without loading the implementation (see taobao/constants.ts). */
export const ADAPTER_ID = 'amazon';
